package dev.ferry.client.fakes;

import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.Resources;
import dev.ferry.placement.PlacementRules;
import dev.ferry.placement.PlacementState;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.client.WorkflowClient;
import java.util.List;

/**
 * TEST ONLY: the refusals the server's {@code startMove} handler makes through its activities
 * before any move starts, answered from the fake placement's view with the server's own placement
 * rule ({@link PlacementRules#chooseHost}): an evacuation's source must have failed; a named
 * destination must be known, another host (unless a resize may stay), UP, enabled and have room;
 * other moves need some host that can take the server.
 */
@ActivityInterface
public interface FakeMoveChecks {

  /** Throws the typed refusal (as an ApplicationFailure) when the move cannot start. */
  @ActivityMethod
  void check(InstanceRecord record, MoveRequest request);

  /** Answers from the fake placement through {@code client}. */
  final class Impl implements FakeMoveChecks {
    private final WorkflowClient client;

    public Impl(WorkflowClient client) {
      this.client = client;
    }

    @Override
    public void check(InstanceRecord record, MoveRequest request) {
      try {
        refuse(record, request, placement());
      } catch (FerryRejection r) {
        throw r.toFailure();
      }
    }

    private PlacementState placement() {
      PlacementView view =
          client.newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID).view();
      PlacementState state = new PlacementState();
      state.settings = view.settings();
      view.hosts().forEach(u -> state.hosts.put(u.host().name(), u.host()));
      for (Claim c : view.claims()) {
        state.claims.put(c.consumerId(), c);
      }
      return state;
    }

    private static void refuse(InstanceRecord record, MoveRequest request, PlacementState state) {
      String source = record.host;
      String dest = request.destHost();
      if (request.type() == MoveType.EVACUATION) {
        HostSummary failed = state.hosts.get(source);
        if (failed != null && failed.status() == HostStatus.UP) {
          throw new FerryRejection(
              Reason.HOST_IN_USE,
              "host "
                  + source
                  + " is UP and not forced down: evacuation is only for a failed host. If it has"
                  + " failed, force it down first ('ferry host set-down "
                  + source
                  + "')");
        }
        if (dest != null) {
          PlacementRules.chooseHost(state, claim(record.flavor.resources(), dest, source));
        }
        return;
      }
      boolean mayStay = request.type() == MoveType.RESIZE && state.settings.allowResizeToSameHost();
      if (source.equals(dest) && !mayStay) {
        throw new FerryRejection(
            Reason.SAME_HOST,
            record.name
                + " is already on "
                + source
                + ": "
                + (request.type() == MoveType.RESIZE
                    ? "resize to the same host is not allowed"
                    : "a move always leaves its host"));
      }
      Flavor flavor =
          request.type() == MoveType.RESIZE ? Flavors.require(request.flavor()) : record.flavor;
      Resources needed = source.equals(dest) ? growth(record.flavor, flavor) : flavor.resources();
      PlacementRules.chooseHost(state, claim(needed, dest, mayStay ? null : source));
    }

    private static ClaimRequest claim(Resources needed, String dest, String excluded) {
      return new ClaimRequest(
          "check", needed, dest, excluded == null ? List.of() : List.of(excluded));
    }

    /** What a same-host resize needs on top of what the instance already holds. */
    private static Resources growth(Flavor from, Flavor to) {
      return new Resources(
          Math.max(0, to.vcpus() - from.vcpus()),
          Math.max(0, to.memoryMb() - from.memoryMb()),
          Math.max(0, to.diskGb() - from.diskGb()));
    }
  }
}
