package crewship.platform.images;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import crewship.platform.web.ProblemException;

/**
 * Accepts an SVG only when every element and attribute is on an allow-list of inert
 * drawing, gradient, filter and text parts, and returns it <em>re-serialised from the
 * parsed tree</em>: what is stored and served is what was checked, with no comments,
 * processing instructions, CDATA, entities or DOCTYPE the check could read differently
 * from a browser.
 * <p>
 * Refused (400): anything that can load or run something — {@code <script>},
 * {@code <foreignObject>}, {@code <use>}, {@code <image>}, {@code <style>}, {@code <a>},
 * animation elements, any {@code href}, any {@code on*} handler, any {@code url(…)} that
 * is not a reference to an element of the same document ({@code url(#id)}) — and a
 * DOCTYPE (no entity expansion, no external DTD). Unknown elements and attributes are
 * refused rather than stripped, so a client learns its image was not stored as sent.
 * {@code <metadata>} is kept empty: its content (licence RDF in generated avatars) is
 * never rendered and is dropped rather than checked.
 */
public final class SvgSanitizer {

	public static final String SVG_NS = "http://www.w3.org/2000/svg";

	/** 64 KiB, the avatar pages' cap. */
	public static final int DEFAULT_MAX_BYTES = 64 * 1024;

	private static final int MAX_ELEMENTS = 10_000;

	private static final int MAX_DEPTH = 64;

	private static final Set<String> ELEMENTS = Set.of("svg", "g", "defs", "title", "desc", "metadata", "path", "rect",
			"circle", "ellipse", "line", "polyline", "polygon", "linearGradient", "radialGradient", "stop", "clipPath",
			"mask", "pattern", "symbol", "marker", "text", "tspan", "filter", "feBlend", "feColorMatrix",
			"feComponentTransfer", "feComposite", "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap",
			"feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
			"feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight",
			"feTile", "feTurbulence");

	/** Elements whose text is part of the drawing (or its accessible name). */
	private static final Set<String> TEXT_ELEMENTS = Set.of("title", "desc", "text", "tspan");

	private static final Set<String> ATTRIBUTES = Set.of("id", "class", "version", "baseProfile", "width", "height",
			"viewBox", "preserveAspectRatio", "transform", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx",
			"ry", "fx", "fy", "fr", "d", "points", "pathLength", "fill", "fill-opacity", "fill-rule", "stroke",
			"stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
			"stroke-dasharray", "stroke-dashoffset", "opacity", "color", "display", "visibility", "overflow",
			"clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits", "mask-type",
			"gradientUnits", "gradientTransform", "spreadMethod", "offset", "stop-color", "stop-opacity",
			"patternUnits", "patternContentUnits", "patternTransform", "refX", "refY", "markerWidth", "markerHeight",
			"markerUnits", "orient", "marker-start", "marker-mid", "marker-end", "filter", "filterUnits",
			"primitiveUnits", "in", "in2", "result", "stdDeviation", "dx", "dy", "mode", "operator", "k1", "k2", "k3",
			"k4", "values", "type", "tableValues", "slope", "intercept", "amplitude", "exponent", "flood-color",
			"flood-opacity", "lighting-color", "color-interpolation", "color-interpolation-filters", "baseFrequency",
			"numOctaves", "seed", "stitchTiles", "scale", "xChannelSelector", "yChannelSelector", "radius", "order",
			"kernelMatrix", "divisor", "bias", "targetX", "targetY", "edgeMode", "preserveAlpha", "surfaceScale",
			"diffuseConstant", "specularConstant", "specularExponent", "kernelUnitLength", "azimuth", "elevation", "z",
			"pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle", "shape-rendering", "text-rendering",
			"image-rendering", "vector-effect", "paint-order", "mix-blend-mode", "isolation", "text-anchor",
			"dominant-baseline", "alignment-baseline", "baseline-shift", "font-family", "font-size", "font-weight",
			"font-style", "font-variant", "letter-spacing", "word-spacing", "text-decoration", "writing-mode",
			"lengthAdjust", "textLength", "rotate", "style");

	/** A reference to an element of the same document, the one {@code url()} allowed. */
	private static final Pattern URL = Pattern.compile("url\\s*\\(", Pattern.CASE_INSENSITIVE);

	private static final Pattern LOCAL_URL = Pattern.compile("url\\(\\s*['\"]?#[A-Za-z0-9_.:-]+['\"]?\\s*\\)",
			Pattern.CASE_INSENSITIVE);

	private SvgSanitizer() {
	}

	/**
	 * @param svg the document as sent
	 * @param maxBytes the cap on its UTF-8 size
	 * @return the same drawing, re-serialised from the checked tree
	 * @throws ProblemException 400 naming what was refused
	 */
	public static String sanitize(String svg, int maxBytes) {
		if (svg == null || svg.isBlank()) {
			throw ProblemException.badRequest("svg is required");
		}
		if (svg.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
			throw ProblemException.badRequest("svg is larger than " + maxBytes + " bytes");
		}
		Element root = parse(svg).getDocumentElement();
		if (!SVG_NS.equals(root.getNamespaceURI()) || !"svg".equals(root.getLocalName())) {
			throw ProblemException.badRequest("The document's root must be an <svg> element in the SVG namespace");
		}
		StringBuilder out = new StringBuilder(svg.length());
		write(root, out, 0, new int[] { 0 }, true);
		return out.toString();
	}

	/**
	 * Whether the bytes look like an SVG document (an XML declaration, comment or
	 * {@code <svg} first), for uploads whose type is read from their content.
	 */
	public static boolean looksLikeSvg(byte[] bytes) {
		String head = new String(bytes, 0, Math.min(bytes.length, 512), StandardCharsets.UTF_8).stripLeading();
		if (head.startsWith("\uFEFF")) {
			head = head.substring(1).stripLeading();
		}
		return head.startsWith("<?xml") || head.startsWith("<svg") || head.startsWith("<!--");
	}

	private static Document parse(String svg) {
		try {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setNamespaceAware(true);
			factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
			factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
			factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
			factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
			factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
			factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
			factory.setXIncludeAware(false);
			factory.setExpandEntityReferences(false);
			DocumentBuilder builder = factory.newDocumentBuilder();
			// silence the parser's default stderr reporting; the exception says enough
			builder.setErrorHandler(new DefaultHandler());
			return builder.parse(new InputSource(new StringReader(svg)));
		}
		catch (SAXException ex) {
			throw ProblemException.badRequest("svg is not well-formed XML without a DOCTYPE: " + ex.getMessage());
		}
		catch (ParserConfigurationException | IOException ex) {
			throw new IllegalStateException("SVG parser unavailable", ex);
		}
	}

	private static void write(Element element, StringBuilder out, int depth, int[] count, boolean root) {
		if (depth > MAX_DEPTH) {
			throw ProblemException.badRequest("svg nests deeper than " + MAX_DEPTH + " elements");
		}
		if (++count[0] > MAX_ELEMENTS) {
			throw ProblemException.badRequest("svg has more than " + MAX_ELEMENTS + " elements");
		}
		String name = element.getLocalName();
		if (!SVG_NS.equals(element.getNamespaceURI()) || !ELEMENTS.contains(name)) {
			throw ProblemException.badRequest("svg element <" + element.getNodeName() + "> is not allowed");
		}
		out.append('<').append(name);
		if (root) {
			out.append(" xmlns=\"").append(SVG_NS).append('"');
		}
		NamedNodeMap attributes = element.getAttributes();
		for (int i = 0; i < attributes.getLength(); i++) {
			Attr attribute = (Attr) attributes.item(i);
			String attributeName = attribute(attribute);
			if (attributeName != null) {
				out.append(' ')
					.append(attributeName)
					.append("=\"")
					.append(escape(value(attributeName, attribute.getValue())))
					.append('"');
			}
		}
		if ("metadata".equals(name)) {
			out.append("/>");
			return;
		}
		StringBuilder children = new StringBuilder();
		NodeList nodes = element.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			Node node = nodes.item(i);
			switch (node.getNodeType()) {
				case Node.ELEMENT_NODE -> write((Element) node, children, depth + 1, count, false);
				case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
					if (TEXT_ELEMENTS.contains(name)) {
						children.append(escape(node.getNodeValue()));
					}
				}
				case Node.ENTITY_REFERENCE_NODE ->
					throw ProblemException.badRequest("svg may not use entity references");
				default -> {
					// comments and processing instructions are dropped
				}
			}
		}
		if (children.isEmpty()) {
			out.append("/>");
		}
		else {
			out.append('>').append(children).append("</").append(name).append('>');
		}
	}

	/**
	 * @return the attribute's name as written back, or null for a namespace declaration
	 * (the root's SVG namespace is written once)
	 */
	private static String attribute(Attr attribute) {
		String namespace = attribute.getNamespaceURI();
		if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(namespace)) {
			return null;
		}
		String local = (attribute.getLocalName() != null) ? attribute.getLocalName() : attribute.getName();
		if (XMLConstants.XML_NS_URI.equals(namespace) && "space".equals(local)) {
			return "xml:space";
		}
		if (namespace != null) {
			throw ProblemException.badRequest("svg attribute " + attribute.getName() + " is not allowed");
		}
		String lower = local.toLowerCase(Locale.ROOT);
		if (lower.startsWith("on") || lower.contains("href")) {
			throw ProblemException.badRequest("svg attribute " + local + " is not allowed (no handlers or links)");
		}
		if (!ATTRIBUTES.contains(local)) {
			throw ProblemException.badRequest("svg attribute " + local + " is not allowed");
		}
		return local;
	}

	private static String value(String attribute, String value) {
		if (attribute.equals("style")) {
			checkStyle(value);
		}
		checkUrls(attribute, value);
		return value;
	}

	/**
	 * A style attribute is a list of {@code property: value} pairs of allowed properties;
	 * no escapes, at-rules or comments that could hide a {@code url()} or an import.
	 */
	private static void checkStyle(String style) {
		if (style.contains("\\") || style.contains("@") || style.contains("/*") || style.contains("<")
				|| style.toLowerCase(Locale.ROOT).contains("expression")) {
			throw ProblemException.badRequest("svg style may not contain escapes, at-rules or comments");
		}
		for (String declaration : style.split(";")) {
			if (declaration.isBlank()) {
				continue;
			}
			int colon = declaration.indexOf(':');
			String property = (colon > 0) ? declaration.substring(0, colon).trim() : declaration.trim();
			if (colon <= 0 || !ATTRIBUTES.contains(property) || property.equals("style")) {
				throw ProblemException.badRequest("svg style property '" + property + "' is not allowed");
			}
		}
	}

	private static void checkUrls(String attribute, String value) {
		Matcher url = URL.matcher(value);
		while (url.find()) {
			Matcher local = LOCAL_URL.matcher(value);
			if (!local.find(url.start()) || local.start() != url.start()) {
				throw ProblemException.badRequest(
						"svg attribute " + attribute + " may reference only elements of the same image (url(#id))");
			}
		}
	}

	private static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '&' -> escaped.append("&amp;");
				case '<' -> escaped.append("&lt;");
				case '>' -> escaped.append("&gt;");
				case '"' -> escaped.append("&quot;");
				case '\'' -> escaped.append("&#39;");
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}

}
