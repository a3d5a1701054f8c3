package dev.ferry.instance;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code adopt:<host>:<domain>}: makes a domain that Ferry did not define an instance. Tags the
 * domain on its host (its UUID becomes the instance id), admits it to placement with the resources
 * it already uses, and starts its InstanceWorkflow. Returns the instance id.
 */
@WorkflowInterface
public interface AdoptionWorkflow {
  @WorkflowMethod
  String adopt(String host, String domainName);
}
