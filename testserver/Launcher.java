// Launcher starts an embedded Neo4j Community DBMS with Bolt on loopback for boltwire's
// tests and demo. It is run by the neo4j-server script (never directly) in single-file
// source mode with the classpath Maven resolved from pom.xml.
//
// Arguments: --port N --auth none|USER:PASSWORD --tls DIR (optional) --home DIR
// Stdout carries exactly one line, "READY bolt://127.0.0.1:PORT USER:PASSWORD" (or
// "... none"), once Bolt accepts connections; everything else goes to stderr. The DBMS
// shuts down when stdin reaches EOF or on SIGTERM/SIGINT.

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

public final class Launcher {
    private static volatile DatabaseManagementService dbms;
    private static volatile Path home;

    public static void main(String[] args) throws Exception {
        PrintStream ready = System.out;
        System.setOut(System.err); // keep the DBMS's chatter off the READY channel

        int port = -1;
        String auth = null;
        String tls = null;
        String homeArg = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                fail("option " + a + " needs a value");
            }
            switch (a) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--auth" -> auth = args[++i];
                case "--tls" -> tls = args[++i];
                case "--home" -> homeArg = args[++i];
                default -> fail("unknown option " + a);
            }
        }
        if (port < 0 || auth == null || homeArg == null) {
            fail("launcher needs --port, --auth and --home");
        }
        port = reservePort(port);
        boolean authOn = !auth.equals("none");
        String user = null;
        String password = null;
        if (authOn) {
            int colon = auth.indexOf(':');
            user = auth.substring(0, colon);
            password = auth.substring(colon + 1);
        }

        home = Path.of(homeArg);
        Files.createDirectories(home);
        StringBuilder conf = new StringBuilder();
        conf.append("server.bolt.enabled=true\n");
        conf.append("server.bolt.listen_address=127.0.0.1:").append(port).append('\n');
        conf.append("server.bolt.advertised_address=127.0.0.1:").append(port).append('\n');
        conf.append("dbms.security.auth_enabled=").append(authOn).append('\n');
        conf.append("server.memory.pagecache.size=64m\n");
        conf.append("db.tx_log.preallocate=false\n");
        conf.append("dbms.usage_report.enabled=false\n");
        conf.append("server.bolt.telemetry.enabled=true\n");
        conf.append("db.lock.acquisition.timeout=20s\n");
        if (tls != null) {
            conf.append("dbms.ssl.policy.bolt.enabled=true\n");
            conf.append("dbms.ssl.policy.bolt.base_directory=").append(Path.of(tls).toAbsolutePath()).append('\n');
            conf.append("dbms.ssl.policy.bolt.private_key=private.key\n");
            conf.append("dbms.ssl.policy.bolt.public_certificate=public.crt\n");
            conf.append("dbms.ssl.policy.bolt.client_auth=NONE\n");
            conf.append("server.bolt.tls_level=OPTIONAL\n");
        }
        Path confFile = home.resolve("neo4j.conf");
        Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);

        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdown, "neo4j-shutdown"));

        dbms = new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(confFile).build();
        if (authOn) {
            var system = dbms.database("system");
            if (user.equals("neo4j")) {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } else {
                system.executeTransactionally(
                        "CREATE USER " + quote(user) + " SET PASSWORD $pw CHANGE NOT REQUIRED",
                        Map.of("pw", password));
            }
        }
        waitForBolt(port);
        ready.println("READY bolt://127.0.0.1:" + port + " " + (authOn ? user + ":" + password : "none"));
        ready.flush();

        // Stop when the parent closes our stdin.
        InputStream in = System.in;
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
            // discard
        }
        System.exit(0);
    }

    // reservePort checks that the requested port is free (or picks a free one for 0).
    private static int reservePort(int port) {
        try (java.net.ServerSocket ss = new java.net.ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress("127.0.0.1", port));
            return ss.getLocalPort();
        } catch (java.io.IOException e) {
            fail("port " + port + " on 127.0.0.1 is busy (" + e.getMessage() + ")");
            return -1;
        }
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static void waitForBolt(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (Exception e) {
                Thread.sleep(50);
            }
        }
        fail("Bolt did not accept connections on 127.0.0.1:" + port + " within 120 s");
    }

    private static void shutdown() {
        DatabaseManagementService d = dbms;
        dbms = null;
        if (d != null) {
            try {
                d.shutdown();
            } catch (Exception e) {
                System.err.println("neo4j-server: shutdown: " + e);
            }
        }
        Path h = home;
        if (h != null && System.getenv("NEO4J_SERVER_KEEP_HOME") == null) {
            try (Stream<Path> walk = Files.walk(h)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private static void fail(String msg) {
        System.err.println("neo4j-server: " + msg);
        System.exit(2);
    }
}
