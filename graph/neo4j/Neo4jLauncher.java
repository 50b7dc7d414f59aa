import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs a Neo4j Community DBMS with only its Bolt connector, on 127.0.0.1.
 *
 * Usage: java -cp CLASSPATH Neo4jLauncher.java HOME_DIR BOLT_PORT PAGE_CACHE_MB TX_TIMEOUT_SECONDS
 * It shuts the DBMS down cleanly on SIGTERM or SIGINT, so every committed transaction is kept.
 */
public final class Neo4jLauncher {
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: Neo4jLauncher HOME_DIR BOLT_PORT PAGE_CACHE_MB TX_TIMEOUT_SECONDS");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long pageCacheMb = Long.parseLong(args[2]);
        long txTimeoutSeconds = Long.parseLong(args[3]);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(BoltConnector.connection_keep_alive_type, BoltConnector.KeepAliveRequestType.STREAMING)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeoutSeconds))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));
        System.out.println("neo4j ready: bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
