package crewship.issue.labels;

/** The label shape of the pages, also embedded in every issue. */
public record LabelView(String id, String name, String color, String labelGroup) {

}
