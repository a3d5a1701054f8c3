package dev.ferry.placement;

import dev.ferry.model.Claim;
import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.HostSummary;
import dev.ferry.model.PlacementView;
import dev.ferry.model.Settings;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code ferry-placement}: Nova's placement. Hosts' configured inventory and status, claims keyed
 * by consumer ({@code instance:<id>} or {@code move:<id>}), the instance name index and the cluster
 * settings.
 */
@WorkflowInterface
public interface PlacementWorkflow {

  @WorkflowMethod
  void run(PlacementState state);

  /**
   * Claims resources on a host (picked by the scheduler when none is named). Idempotent: an
   * existing claim of the same consumer is returned as is.
   */
  @UpdateMethod
  Claim claim(ClaimRequest request);

  @UpdateValidatorMethod(updateName = "claim")
  void validateClaim(ClaimRequest request);

  /** `server create`: reserves the name and claims on the host in one step. */
  @UpdateMethod
  Claim admit(Admission admission);

  @UpdateValidatorMethod(updateName = "admit")
  void validateAdmit(Admission admission);

  @UpdateMethod
  void release(String consumerId);

  @UpdateMethod
  void swap(String fromConsumerId, String toConsumerId);

  @UpdateMethod
  void forgetInstance(String instanceId);

  /**
   * `host delete`: the host is no longer listed, picked or claimable. Refused while anything is
   * claimed on it; a host placement does not know is forgotten already.
   */
  @UpdateMethod
  void forgetHost(String host);

  @UpdateValidatorMethod(updateName = "forgetHost")
  void validateForgetHost(String host);

  @UpdateMethod
  Settings configure(Settings settings);

  /** A HostWorkflow reporting its status, enablement or inventory. */
  @SignalMethod
  void hostChanged(HostSummary host);

  @QueryMethod
  PlacementView view();

  /** Where {@code request} would be claimed now, or why it would be refused; claims nothing. */
  @QueryMethod
  ClaimCheck checkClaim(ClaimRequest request);
}
