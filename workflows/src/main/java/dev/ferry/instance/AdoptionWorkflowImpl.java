package dev.ferry.instance;

import dev.ferry.entities.PlacementActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.HostCallOptions;
import dev.ferry.placement.Admission;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;

/** Makes an existing domain an instance: tag it, admit it, start its record. */
public class AdoptionWorkflowImpl implements AdoptionWorkflow {

  private final PlacementActivities placement = ConductorCalls.placement();

  @Override
  public String adopt(String host, String domainName) {
    try {
      Names.requireValidName("server", domainName);
    } catch (FerryRejection r) {
      throw r.toFailure(); // fails the adoption; a bare exception would retry the task forever
    }
    DomainView domain =
        Workflow.newActivityStub(
                HypervisorActivities.class, HostCallOptions.instanceHypervisor(host))
            .adopt(domainName);
    Flavor flavor = flavorOf(domain);
    // force: the domain already runs there, whatever placement thought was free.
    placement.admit(new Admission(domain.uuid(), domainName, host, flavor.resources(), true));

    InstanceRecord record = new InstanceRecord();
    record.id = domain.uuid();
    record.name = domainName;
    record.flavor = flavor;
    record.host = host;
    record.adoptedDomain = domainName;
    record.domainXml = domain.inactiveXml();
    // as the guest really is: a paused or managed-saved domain stays so (GuestState maps it)
    record.powerState = domain.guest().powerState();
    record.vmState = domain.guest().vmState();
    record.epoch = domain.epoch();
    record.createdAtMillis = Workflow.currentTimeMillis();

    InstanceWorkflow instance =
        Workflow.newChildWorkflowStub(
            InstanceWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(Names.instanceWorkflowId(record.id))
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                // its first run only (lost at continue-as-new): current details say the rest
                .setStaticSummary(
                    "server " + record.name + " (" + flavor.name() + "), adopted on " + host)
                .build());
    Async.procedure(instance::run, record);
    Workflow.getWorkflowExecution(instance).get();
    return record.id;
  }

  /** The catalog flavor the domain matches, or a custom one describing it. */
  static Flavor flavorOf(DomainView domain) {
    return Flavors.all().stream()
        .filter(f -> f.vcpus() == domain.vcpus() && f.memoryMb() == domain.memoryMb())
        .findFirst()
        .orElse(
            new Flavor(
                "custom-" + domain.vcpus() + "c" + domain.memoryMb() + "m",
                domain.vcpus(),
                domain.memoryMb(),
                0));
  }
}
