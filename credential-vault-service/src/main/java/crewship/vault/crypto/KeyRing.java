package crewship.vault.crypto;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The master keys the vault knows: the current one wraps every new data key; the others
 * only open what they wrapped earlier, until re-encryption has moved those records to the
 * current key.
 */
public record KeyRing(MasterKey current, Map<String, MasterKey> byId) {

	public KeyRing {
		byId = Map.copyOf(byId);
		if (!byId.containsKey(current.id())) {
			throw new IllegalArgumentException("The current key must be on the ring");
		}
	}

	/**
	 * @param current the key new data keys are wrapped with
	 * @param previous keys kept to read older records
	 */
	public static KeyRing of(MasterKey current, List<MasterKey> previous) {
		Map<String, MasterKey> keys = new LinkedHashMap<>();
		keys.put(current.id(), current);
		for (MasterKey key : previous) {
			MasterKey clash = keys.putIfAbsent(key.id(), key);
			if (clash != null && !clash.equals(key)) {
				throw new IllegalStateException("Two different master keys share the id " + key.id());
			}
		}
		return new KeyRing(current, keys);
	}

	public Optional<MasterKey> find(String id) {
		return Optional.ofNullable(this.byId.get(id));
	}

}
