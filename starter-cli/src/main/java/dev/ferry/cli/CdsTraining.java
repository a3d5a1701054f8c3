package dev.ferry.cli;

import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.OutputFormat;
import dev.ferry.cli.common.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryClientOptions;
import dev.ferry.client.HostListing;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.Resources;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;

/**
 * Loads the classes a typical {@code ferry} call loads, without a server, so the launcher can dump
 * them into a class-data-sharing archive once per build ({@code -XX:ArchiveClassesAtExit}). Later
 * calls map that archive and start in about half the time. Not a command; never needs Temporal.
 */
public final class CdsTraining {
  private static final String NOWHERE = "127.0.0.1:1";

  private CdsTraining() {}

  public static void main(String[] args) {
    PrintWriter sink = new PrintWriter(Writer.nullWriter());
    try {
      FerryClient.connect(
          new FerryClientOptions(NOWHERE, null, Duration.ofMillis(500), Duration.ofMillis(500)));
    } catch (RuntimeException expected) {
      // UNREACHABLE: the class path of the check is loaded
    }
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(NOWHERE).build());
    WorkflowClient client = WorkflowClient.newInstance(stubs);
    FerryCommand root =
        new FerryCommand(options -> FerryClient.of(client, Duration.ofMillis(500)), false);
    var cl = FerryCommand.commandLine(root);
    cl.setOut(sink);
    cl.setErr(sink);
    cl.execute("--help");
    cl.execute("host", "list");
    cl.execute("--output", "json", "server", "show", "x");
    cl.execute("resize", "x", "--flavor", "m1.small", "--wait");
    cl.execute("bogus");

    HostRecord host = new HostRecord();
    host.name = "a";
    HostListing listing = new HostListing(host, new Resources(4, 4096, 40), Resources.NONE);
    InstanceRecord server = new InstanceRecord();
    server.name = "s";
    server.flavor = Flavors.require("t1.nano");
    MoveView move =
        new MoveView(
            "m",
            MoveType.RESIZE,
            "i",
            "a",
            "b",
            "FINISHED",
            false,
            List.of(new StateMachine.Change(null, null, "PRE_MIGRATING", 1, "ferry")),
            null);
    Output table = new Output(sink, OutputFormat.table);
    Output json = new Output(sink, OutputFormat.json);
    for (Output out : List.of(table, json)) {
      out.emit(List.of(listing), () -> out.print(Views.hostTable(List.of(listing))));
      out.emit(server, () -> out.print(Views.serverDetails(server)));
      out.emit(move, () -> out.print(Views.moveLog(move)));
    }
    stubs.shutdownNow();
    System.exit(0);
  }
}
