package crewship.platform.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import crewship.platform.images.PngImages;
import crewship.platform.images.SvgSanitizer;
import crewship.platform.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an avatar may be: an SVG of inert drawing parts only (re-serialised from the
 * checked tree) or a complete PNG of bounded size.
 */
class ImageSafetyTests {

	private static final String NS = "xmlns=\"http://www.w3.org/2000/svg\"";

	/** The shape of a generated (DiceBear-style) avatar: licence metadata, a mask. */
	private static final String GENERATED = """
			<?xml version="1.0" encoding="UTF-8"?>
			<!-- generated -->
			<svg xmlns="http://www.w3.org/2000/svg" xmlns:dc="http://purl.org/dc/elements/1.1/" \
			xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" viewBox="0 0 180 180" width="64" height="64">
			  <metadata><rdf:RDF><dc:title>Bottts</dc:title></rdf:RDF></metadata>
			  <mask id="m"><rect width="180" height="180" rx="0" fill="#fff"/></mask>
			  <g mask="url(#m)"><rect width="180" height="180" fill="#ffb300"/>
			    <path d="M0 0h180v180H0z" fill="url( '#m' )" style="fill-opacity: 0.5; stroke: none"/>
			    <text x="10" y="20" font-size="12">a &lt; b &amp; "c"</text>
			  </g>
			</svg>
			""";

	private static ProblemException refused(String svg) {
		Throwable thrown = org.assertj.core.api.Assertions
			.catchThrowable(() -> SvgSanitizer.sanitize(svg, SvgSanitizer.DEFAULT_MAX_BYTES));
		assertThat(thrown).as(svg).isInstanceOf(ProblemException.class);
		ProblemException problem = (ProblemException) thrown;
		assertThat(problem.getStatusCode().value()).isEqualTo(400);
		return problem;
	}

	@Test
	void aGeneratedAvatarIsKeptAsItsDrawingAlone() {
		String clean = SvgSanitizer.sanitize(GENERATED, SvgSanitizer.DEFAULT_MAX_BYTES);
		assertThat(clean).startsWith("<svg " + NS + " ").contains(" viewBox=\"0 0 180 180\"");
		assertThat(clean).contains("<metadata/>").doesNotContain("rdf").doesNotContain("Bottts");
		assertThat(clean).doesNotContain("<!--").doesNotContain("<?xml");
		assertThat(clean).contains("<g mask=\"url(#m)\">");
		assertThat(clean).contains("a &lt; b &amp; &quot;c&quot;</text>");
		// what was written back is itself accepted unchanged: a fixed point
		assertThat(SvgSanitizer.sanitize(clean, SvgSanitizer.DEFAULT_MAX_BYTES)).isEqualTo(clean);
	}

	@ParameterizedTest
	@ValueSource(strings = { "<svg " + NS + "><script>alert(1)</script></svg>", "<svg " + NS + " onload=\"alert(1)\"/>",
			"<svg " + NS + "><rect onclick=\"alert(1)\"/></svg>",
			"<svg " + NS + " xmlns:x=\"http://www.w3.org/1999/xlink\"><use x:href=\"#a\"/></svg>",
			"<svg " + NS + "><use href=\"https://evil.example/a.svg#x\"/></svg>",
			"<svg " + NS + "><image href=\"https://evil.example/track.png\"/></svg>",
			"<svg " + NS + "><foreignObject><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></foreignObject></svg>",
			"<svg " + NS + "><style>@import url(https://evil.example/x.css);</style></svg>",
			"<svg " + NS + "><a href=\"javascript:alert(1)\"><rect/></a></svg>",
			"<svg " + NS + "><rect><set attributeName=\"fill\" to=\"red\"/></rect></svg>",
			"<svg " + NS + "><animate attributeName=\"href\" values=\"javascript:alert(1)\"/></svg>",
			"<svg " + NS + "><rect fill=\"url(https://evil.example/x)\"/></svg>",
			"<svg " + NS + "><rect fill=\"url(#ok) url(//evil.example/x)\"/></svg>",
			"<svg " + NS + "><rect style=\"fill: url(https://evil.example/x)\"/></svg>",
			"<svg " + NS + "><rect style=\"fill: u\\72l(https://evil.example/x)\"/></svg>",
			"<svg " + NS + "><rect style=\"behavior: x\"/></svg>",
			"<svg " + NS + "><filter><feImage href=\"https://evil.example/x.png\"/></filter></svg>",
			"<svg " + NS + "><rect data-x=\"1\"/></svg>", "<svg><rect/></svg>",
			"<html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
			"<!DOCTYPE svg [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><svg " + NS + "><text>&b;</text></svg>",
			"<!DOCTYPE svg SYSTEM \"file:///etc/passwd\"><svg " + NS + "/>", "not xml at all" })
	void anythingThatCouldLoadOrRunSomethingIsRefused(String svg) {
		refused(svg);
	}

	@Test
	void theSizeIsCapped() {
		String big = "<svg " + NS + "><title>" + "x".repeat(SvgSanitizer.DEFAULT_MAX_BYTES) + "</title></svg>";
		assertThat(refused(big).getBody().getDetail()).contains("larger than");
	}

	@Test
	void aCompletePngOfBoundedSizeIsAccepted() throws IOException {
		byte[] png = png(16, 16);
		assertThat(PngImages.isPng(png)).isTrue();
		PngImages.check(png);
		assertThat(SvgSanitizer.looksLikeSvg(png)).isFalse();
		assertThat(SvgSanitizer.looksLikeSvg(GENERATED.getBytes())).isTrue();
	}

	@Test
	void aTruncatedOversizedOrFakePngIsRefused() throws IOException {
		byte[] png = png(16, 16);
		assertThatThrownBy(() -> PngImages.check(Arrays.copyOf(png, png.length - 4)))
			.isInstanceOf(ProblemException.class)
			.hasMessageContaining("truncated");
		assertThatThrownBy(() -> PngImages.check(png(PngImages.MAX_SIDE + 1, 1))).isInstanceOf(ProblemException.class)
			.hasMessageContaining("pixels");
		assertThatThrownBy(() -> PngImages.check("GIF89a....".getBytes())).isInstanceOf(ProblemException.class);
	}

	private static byte[] png(int width, int height) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB), "png", out);
		return out.toByteArray();
	}

}
