package dev.ferry.client.fakes;

import dev.ferry.entities.Entities;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.PlacementView;
import dev.ferry.model.Resources;
import dev.ferry.model.Settings;
import dev.ferry.placement.Admission;
import dev.ferry.placement.PlacementRules;
import dev.ferry.placement.PlacementState;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** TEST ONLY: a placement that admits and reports, enough for the client's calls. */
public class FakePlacement implements PlacementWorkflow {
  private final PlacementState state;

  @WorkflowInit
  public FakePlacement(PlacementState state) {
    this.state = state == null ? new PlacementState() : state;
  }

  @Override
  public void run(PlacementState ignored) {
    Workflow.await(() -> false);
  }

  @Override
  public Claim claim(ClaimRequest request) {
    Claim c = new Claim(request.consumerId(), request.host(), request.resources());
    state.claims.put(c.consumerId(), c);
    return c;
  }

  @Override
  public void validateClaim(ClaimRequest request) {}

  @Override
  public Claim admit(Admission a) {
    Claim c = new Claim("instance:" + a.instanceId(), a.host(), a.resources());
    state.claims.put(c.consumerId(), c);
    state.instances.put(a.instanceId(), a.name());
    return c;
  }

  @Override
  public void validateAdmit(Admission a) {
    if (state.instances.containsValue(a.name())) {
      throw reject(Reason.DUPLICATE_NAME, "server name '" + a.name() + "' is taken");
    }
    HostSummary h = state.hosts.get(a.host());
    if (h == null) {
      throw reject(Reason.UNKNOWN_HOST, "unknown host '" + a.host() + "'");
    }
    if (a.force()) {
      return;
    }
    if (h.status() != HostStatus.UP || h.forcedDown() || !h.enabled()) {
      throw reject(Reason.HOST_UNAVAILABLE, "host " + a.host() + " is down or disabled");
    }
    Resources free = h.inventory().capacity().minus(used(a.host()));
    if (a.resources().vcpus() > free.vcpus()
        || a.resources().memoryMb() > free.memoryMb()
        || a.resources().diskGb() > free.diskGb()) {
      throw reject(Reason.INSUFFICIENT_CAPACITY, "host " + a.host() + " is full");
    }
  }

  @Override
  public void release(String consumerId) {
    state.claims.remove(consumerId);
  }

  @Override
  public void swap(String fromConsumerId, String toConsumerId) {
    Claim c = state.claims.remove(fromConsumerId);
    if (c != null) {
      state.claims.put(toConsumerId, new Claim(toConsumerId, c.host(), c.resources()));
    }
  }

  @Override
  public void forgetInstance(String instanceId) {
    state.instances.remove(instanceId);
    state.claims.remove("instance:" + instanceId);
  }

  @Override
  public void validateForgetHost(String host) {
    try {
      PlacementRules.requireForgettable(state, host);
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  @Override
  public void forgetHost(String host) {
    state.hosts.remove(host);
  }

  @Override
  public Settings configure(Settings settings) {
    state.settings = settings;
    return settings;
  }

  @Override
  public void hostChanged(HostSummary host) {
    state.hosts.put(host.name(), host);
  }

  @Override
  public PlacementView view() {
    List<PlacementView.HostUsage> hosts = new ArrayList<>();
    for (HostSummary h : state.hosts.values()) {
      hosts.add(new PlacementView.HostUsage(h, h.inventory().capacity(), used(h.name())));
    }
    Map<String, String> instances = new LinkedHashMap<>(state.instances);
    return new PlacementView(
        state.settings, hosts, new ArrayList<>(state.claims.values()), instances);
  }

  @Override
  public ClaimCheck checkClaim(ClaimRequest request) {
    try {
      return ClaimCheck.fits(PlacementRules.chooseHost(state, request));
    } catch (FerryRejection r) {
      return ClaimCheck.refused(r);
    }
  }

  private Resources used(String host) {
    Resources used = Resources.NONE;
    for (Claim c : state.claims.values()) {
      if (host.equals(c.host())) {
        used = used.plus(c.resources());
      }
    }
    return used;
  }

  /** What the real validators throw (see {@link Entities#rejectUpdate}). */
  static RuntimeException reject(Reason reason, String message) {
    return Entities.rejectUpdate(new FerryRejection(reason, message));
  }
}
