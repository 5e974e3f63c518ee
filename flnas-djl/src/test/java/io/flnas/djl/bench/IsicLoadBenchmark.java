package io.flnas.djl.bench;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Isic2019;
import io.flnas.djl.data.IsicFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The ISIC loader at the paper's scale: writes an ISIC-2019-format folder of N lesion-like JPEGs
 * (default 25,331, alternately 600x450 and 1024x1024) into DIR unless it already holds one, then
 * loads every image at 224 px twice: the first load decodes into the cache (unless a cache file is
 * there already) and prints {@code isic: decoded N images in Xs (Y img/s), cache Z MB}, the second
 * maps it and prints {@code isic: cached load of N images in Xs}. Run the loads under {@code
 * -Xmx1g} and {@code /usr/bin/time -v} for the peak resident memory:
 *
 * <pre>
 * ./mvnw -o -q -pl flnas-djl -am test-compile
 * ./mvnw -o -q -pl flnas-djl dependency:build-classpath -Dmdep.outputFile=cp.txt \
 *     -Dmdep.includeScope=test
 * /usr/bin/time -v java -Xmx1g -cp "flnas-djl/target/test-classes:flnas-djl/target/classes:$(cat \
 *     flnas-djl/cp.txt)" io.flnas.djl.bench.IsicLoadBenchmark DIR [N] [SIZE] [CACHE] [THREADS]
 * </pre>
 *
 * CACHE defaults to {@link Isic2019#defaultCache()}; delete its {@code isic2019-*} file to decode
 * again. The folder is written on all cores; it takes a while at full size.
 */
public final class IsicLoadBenchmark {
  private IsicLoadBenchmark() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: IsicLoadBenchmark DIR [N=25331] [SIZE=224] [CACHE] [THREADS]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 25_331;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 224;
    Path cache = args.length > 3 ? Path.of(args[3]) : Isic2019.defaultCache();
    int threads =
        args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
    if (!Files.isRegularFile(dir.resolve(Isic2019.GROUND_TRUTH))) {
      long start = System.nanoTime();
      IsicFolders.write(dir, n, new int[][] {{600, 450}, {1024, 1024}}, 42, threads);
      System.out.printf(
          Locale.ROOT,
          "isic: wrote %d JPEGs (600x450 and 1024x1024) into %s in %.1fs%n",
          n,
          dir,
          (System.nanoTime() - start) / 1e9);
    }
    for (int load = 0; load < 2; load++) {
      ImageDataset data =
          Isic2019.builder(dir)
              .allSamples()
              .imageSize(size)
              .cache(cache)
              .decodeThreads(threads)
              .progress(System.out::println)
              .load();
      System.out.printf(
          Locale.ROOT,
          "isic: load %d gave %d images (%d/%d/%d), heap used %d MB of %d MB%n",
          load + 1,
          data.size(),
          data.train().count(),
          data.validation().count(),
          data.test().count(),
          (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
          Runtime.getRuntime().maxMemory() >> 20);
    }
  }
}
