package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing and input checks of the evacuation commands: bad input never connects. */
class EvacuateCommandsTest {

  @Test
  void anUnknownFencingMethodIsRefusedBeforeConnecting() {
    Cli.Result r = Cli.run(Cli::neverConnect, "evacuate", "vm1", "--fence", "stonith");
    assertEquals(ExitStatus.INVALID, r.exit(), r.toString());
    assertTrue(r.err().contains("unknown fencing method 'stonith'"), r.toString());
    assertTrue(r.err().contains("confirmed-off, libvirt-destroy, ipmi, redfish"), r.toString());
  }

  @Test
  void hostEvacuateAndDrainAreHostSubcommands() {
    Cli.Result evacuate = Cli.run(Cli::neverConnect, "host", "evacuate", "--help");
    assertEquals(0, evacuate.exit(), evacuate.toString());
    assertTrue(evacuate.out().contains("--concurrency"), evacuate.toString());
    assertTrue(evacuate.out().contains("--fence"), evacuate.toString());
    Cli.Result drain = Cli.run(Cli::neverConnect, "host", "drain", "--help");
    assertEquals(0, drain.exit(), drain.toString());
    assertTrue(drain.out().contains("live-migrate"), drain.toString());
  }

  @Test
  void aBadHostNameIsRefusedBeforeConnecting() {
    Cli.Result r = Cli.run(Cli::neverConnect, "host", "drain", "no/such");
    assertEquals(ExitStatus.INVALID, r.exit(), r.toString());
    assertTrue(r.err().contains("invalid host name"), r.toString());
  }

  @Test
  void theConcurrencyMustBeANumber() {
    Cli.Result r = Cli.run(Cli::neverConnect, "host", "evacuate", "h1", "--concurrency", "many");
    assertEquals(ExitStatus.USAGE, r.exit(), r.toString());
  }
}
