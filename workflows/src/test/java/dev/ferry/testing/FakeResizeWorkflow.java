package dev.ferry.testing;

import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveRequest;
import dev.ferry.move.InstanceChannel;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeWorkflow;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * A test-only stand-in for the resize move (workflow type "ResizeWorkflow"): it does nothing but
 * wait for confirm or revert, then tells its parent InstanceWorkflow {@code moveClosed}, as a real
 * move does when it closes. Confirm lands the instance on the requested destination (h2 when none)
 * with the requested flavor and the next epoch; revert leaves it where it was.
 */
public class FakeResizeWorkflow implements ResizeWorkflow {

  public static final String DEFAULT_DEST = "h2";

  private MoveInput input;
  private String status = "accepted";
  private String decision;
  private boolean finished;

  @Override
  public MoveView run(MoveInput input) {
    this.input = input;
    status = "finished";
    Workflow.await(() -> decision != null);
    MoveRequest request = input.request();
    InstanceRecord before = input.instance();
    MoveOutcome outcome;
    if (decision.equals("confirm")) {
      Flavor flavor = request.flavor() == null ? before.flavor : Flavors.require(request.flavor());
      outcome =
          new MoveOutcome(
              request.moveId(),
              "confirmed",
              true,
              destination(),
              flavor,
              before.epoch + 1,
              "<domain moved-by='" + request.moveId() + "'/>",
              before.vmState,
              before.powerState,
              null);
    } else {
      outcome =
          new MoveOutcome(
              request.moveId(),
              "reverted",
              false,
              before.host,
              before.flavor,
              before.epoch,
              before.domainXml,
              before.vmState,
              before.powerState,
              null,
              before.host, // a revert says where the move went; a confirm (above) does not
              destination());
    }
    status = outcome.status();
    finished = true;
    new InstanceChannel(input).closed(outcome); // as a real move: says which move it was
    return status();
  }

  private String destination() {
    String dest = input.request().destHost();
    return dest == null ? DEFAULT_DEST : dest;
  }

  @Override
  public MoveView confirm(String actor) {
    decision = "confirm";
    return status();
  }

  @Override
  public void validateConfirm(String actor) {}

  @Override
  public MoveView revert(String actor) {
    decision = "revert";
    return status();
  }

  @Override
  public void validateRevert(String actor) {}

  @Override
  public void requestConfirm(String actor) {
    decision = "confirm";
  }

  @Override
  public void requestRevert(String actor) {
    decision = "revert";
  }

  @Override
  public MoveView status() {
    if (input == null) {
      return null;
    }
    MoveRequest request = input.request();
    return new MoveView(
        request.moveId(),
        request.type(),
        request.instanceId(),
        input.instance().host,
        destination(),
        status,
        finished,
        List.of(),
        null);
  }
}
