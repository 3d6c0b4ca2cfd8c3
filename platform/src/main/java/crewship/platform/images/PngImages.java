package crewship.platform.images;

import java.nio.ByteBuffer;
import java.util.Arrays;

import crewship.platform.web.ProblemException;

/**
 * PNG uploads, read from their bytes (never from a name or a declared type): the PNG
 * signature, an {@code IHDR} first with each side at most {@link #MAX_SIDE} pixels (a
 * small file cannot decompress into a huge image in a viewer) and an {@code IEND} last (a
 * truncated upload is refused). A PNG carries no script and loads nothing, so the bytes
 * are kept as sent.
 */
public final class PngImages {

	public static final int MAX_SIDE = 4096;

	private static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

	private static final byte[] IEND = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82 };

	private PngImages() {
	}

	public static boolean isPng(byte[] bytes) {
		return bytes.length >= SIGNATURE.length
				&& Arrays.equals(bytes, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
	}

	/**
	 * @throws ProblemException 400 when the bytes are not a complete PNG of acceptable
	 * dimensions
	 */
	public static void check(byte[] bytes) {
		if (!isPng(bytes) || bytes.length < SIGNATURE.length + 25 + IEND.length) {
			throw ProblemException.badRequest("The image is not a PNG");
		}
		ByteBuffer header = ByteBuffer.wrap(bytes, SIGNATURE.length, 25);
		int length = header.getInt();
		byte[] type = new byte[4];
		header.get(type);
		if (length != 13 || !Arrays.equals(type, new byte[] { 'I', 'H', 'D', 'R' })) {
			throw ProblemException.badRequest("The PNG does not start with its IHDR header");
		}
		long width = Integer.toUnsignedLong(header.getInt());
		long height = Integer.toUnsignedLong(header.getInt());
		if (width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE) {
			throw ProblemException
				.badRequest("The PNG is " + width + "x" + height + " pixels; each side must be 1 to " + MAX_SIDE);
		}
		if (!Arrays.equals(bytes, bytes.length - IEND.length, bytes.length, IEND, 0, IEND.length)) {
			throw ProblemException.badRequest("The PNG is truncated (no IEND chunk at its end)");
		}
	}

}
