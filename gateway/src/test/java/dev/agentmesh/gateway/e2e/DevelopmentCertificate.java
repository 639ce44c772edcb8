package dev.agentmesh.gateway.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost made with the JDK's keytool, as deploy/local/up.sh makes
 * it with GATEWAY_TLS=dev: a PKCS12 keystore for the gateway and the certificate in PEM for clients to trust.
 */
record DevelopmentCertificate(Path keystore, Path certificate, String password) {

    static DevelopmentCertificate create(Path directory) throws IOException, InterruptedException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path keystore = directory.resolve("gateway.p12");
        Path certificate = directory.resolve("gateway-ca.pem");
        String password = "dev-" + Long.toHexString(System.nanoTime());
        run(List.of(keytool, "-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "30", "-dname", "CN=agent-mesh local development",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "bc:c=ca:true",
                "-ext", "ku:c=digitalSignature,keyCertSign", "-ext", "eku=serverAuth",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "gateway", "-keystore", keystore.toString(),
                "-storepass", password, "-file", certificate.toString()));
        return new DevelopmentCertificate(keystore, certificate, password);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
