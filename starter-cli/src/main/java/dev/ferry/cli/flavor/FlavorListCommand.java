package dev.ferry.cli.flavor;

import dev.ferry.cli.common.CommandRoot;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.TableWriter;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry flavor list}: the catalog, which is fixed in Ferry's code (the conductor's is the
 * same), so it is listed without connecting.
 */
@Command(
    name = "list",
    description = "List the flavors (Ferry's catalog; no connection needed).",
    mixinStandardHelpOptions = true)
public final class FlavorListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<Flavor> flavors = Flavors.all();
    Output out = ((CommandRoot) spec.root().userObject()).output();
    out.emit(flavors, () -> out.print(table(flavors)));
    return 0;
  }

  static TableWriter table(List<Flavor> flavors) {
    TableWriter t = TableWriter.of("NAME", "VCPUS", "MEMORY_MB", "DISK_GB");
    for (Flavor f : flavors) {
      t.row(f.name(), f.vcpus(), f.memoryMb(), f.diskGb());
    }
    return t;
  }
}
