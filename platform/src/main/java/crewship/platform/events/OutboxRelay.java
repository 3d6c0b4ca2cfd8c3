package crewship.platform.events;

import java.nio.charset.StandardCharsets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves outbox rows to Kafka, oldest first, and deletes them once the broker has
 * acknowledged them (all in-sync replicas, idempotent producer).
 * <ul>
 * <li>One relay at a time across all replicas of a service: each batch runs under a
 * transaction-scoped PostgreSQL advisory lock, so a record is published once per replica
 * set and in commit order.</li>
 * <li>A broker outage leaves the rows it did not acknowledge: they stay and are retried
 * with backoff; nothing is lost across restarts because the rows are the queue. Rows the
 * broker did acknowledge are deleted even when others of their batch failed.</li>
 * <li>A crash between the broker's ack and the commit republishes the batch: delivery is
 * at-least-once, so consumers are idempotent (they record the event ids they
 * applied).</li>
 * </ul>
 */
public class OutboxRelay implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

	/**
	 * Advisory-lock key shared by every replica of a service (the service has its own
	 * database).
	 */
	private static final long LOCK_KEY = 0x6372657773686970L;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final KafkaTemplate<String, String> kafka;

	private final Settings settings;

	private final AtomicBoolean wakeRequested = new AtomicBoolean();

	private ScheduledExecutorService scheduler;

	private ExecutorService worker;

	private volatile boolean running;

	private volatile Duration backoff = Duration.ZERO;

	private long skipUntil;

	public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transactions, KafkaTemplate<String, String> kafka,
			Settings settings) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.kafka = kafka;
		this.settings = settings;
	}

	/**
	 * Relay tuning: how often to poll, how many rows per batch, how long to wait for the
	 * broker.
	 */
	public record Settings(Duration pollInterval, int batchSize, Duration sendTimeout, Duration maxBackoff) {
	}

	/** Asks for a relay pass now (after a commit that wrote to the outbox). */
	public void wakeUp() {
		if (this.running && this.wakeRequested.compareAndSet(false, true)) {
			this.worker.execute(this::drainSafely);
		}
	}

	private void drainSafely() {
		this.wakeRequested.set(false);
		try {
			while (this.running && relayBatch() == this.settings.batchSize()) {
				// a full batch: there may be more
			}
			this.backoff = Duration.ZERO;
		}
		catch (RuntimeException ex) {
			Duration next = this.backoff.isZero() ? this.settings.pollInterval() : this.backoff.multipliedBy(2);
			this.backoff = (next.compareTo(this.settings.maxBackoff()) > 0) ? this.settings.maxBackoff() : next;
			log.warn("Outbox relay could not publish (retrying in {}): {}", this.backoff, ex.getMessage());
		}
	}

	/**
	 * Publishes one batch. @return how many rows were published (0 when another replica
	 * holds the lock or the outbox is empty)
	 */
	public int relayBatch() {
		Batch batch = this.transactions.execute(status -> {
			Boolean locked = this.jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, LOCK_KEY);
			if (!Boolean.TRUE.equals(locked)) {
				return Batch.EMPTY;
			}
			List<OutboxRow> rows = this.jdbc.query(
					"select position, topic, record_key, payload, trace_parent from platform_outbox order by position limit ?",
					(rs, n) -> new OutboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
							rs.getString(5)),
					this.settings.batchSize());
			if (rows.isEmpty()) {
				return Batch.EMPTY;
			}
			List<CompletableFuture<SendResult<String, String>>> sends = new ArrayList<>(rows.size());
			Exception failure = null;
			try {
				for (OutboxRow row : rows) {
					sends.add(this.kafka.send(row.record()));
				}
			}
			catch (RuntimeException ex) {
				// a record the producer refused outright: the ones before it are on their
				// way
				failure = ex;
			}
			try {
				this.kafka.flush();
				CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
					.get(this.settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failure = ex;
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
			// Only what the broker acknowledged leaves the outbox. Rows it did
			// acknowledge
			// go even when others of the batch failed: republishing them (the whole batch
			// rolled back, as before) put copies on the topics whenever a broker stopped
			// mid-batch, and one unpublishable row held everything behind it.
			Long[] acknowledged = IntStream.range(0, sends.size())
				.filter(i -> sends.get(i).isDone() && !sends.get(i).isCompletedExceptionally())
				.mapToObj(i -> rows.get(i).position())
				.toArray(Long[]::new);
			if (acknowledged.length > 0) {
				this.jdbc.update(connection -> {
					var statement = connection.prepareStatement("delete from platform_outbox where position = any(?)");
					statement.setArray(1, connection.createArrayOf("bigint", acknowledged));
					return statement;
				});
			}
			return new Batch(rows.size(), acknowledged.length, failure);
		});
		if (batch == null) {
			return 0;
		}
		if (batch.failure() != null) {
			throw new IllegalStateException("Kafka acknowledged " + batch.acknowledged() + " of " + batch.read()
					+ " outbox records: " + batch.failure().getMessage(), batch.failure());
		}
		return batch.acknowledged();
	}

	/**
	 * One pass: rows read, rows the broker acknowledged (deleted), why the rest failed.
	 */
	private record Batch(int read, int acknowledged, Exception failure) {

		static final Batch EMPTY = new Batch(0, 0, null);

	}

	/** How many events wait to be published (for health and tests). */
	public long pending() {
		Long count = this.jdbc.queryForObject("select count(*) from platform_outbox", Long.class);
		return (count != null) ? count : 0;
	}

	private record OutboxRow(long position, String topic, String key, String payload, String traceParent) {

		ProducerRecord<String, String> record() {
			ProducerRecord<String, String> record = new ProducerRecord<>(this.topic, this.key, this.payload);
			if (this.traceParent != null) {
				record.headers().add(TraceParents.HEADER, this.traceParent.getBytes(StandardCharsets.US_ASCII));
			}
			return record;
		}

	}

	@Override
	public void start() {
		this.running = true;
		this.worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("outbox-relay").daemon().factory());
		this.scheduler = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("outbox-relay-timer").daemon().factory());
		long period = this.settings.pollInterval().toMillis();
		this.scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
	}

	private void tick() {
		if (System.currentTimeMillis() < this.skipUntil) {
			return;
		}
		wakeUp();
		this.skipUntil = System.currentTimeMillis() + this.backoff.toMillis();
	}

	@Override
	public void stop() {
		this.running = false;
		this.scheduler.shutdownNow();
		this.worker.shutdown();
		try {
			this.worker.awaitTermination(this.settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
