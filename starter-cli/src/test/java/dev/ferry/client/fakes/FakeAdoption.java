package dev.ferry.client.fakes;

import dev.ferry.instance.AdoptionWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;

/** TEST ONLY: adopts domain {@code guest*} as instance {@link #ADOPTED_ID}; refuses others. */
public class FakeAdoption implements AdoptionWorkflow {
  public static final String ADOPTED_ID = "00000000-0000-0000-0000-00000000adad";

  @Override
  public String adopt(String host, String domainName) {
    if (!domainName.startsWith("guest")) {
      // a workflow method (not a validator) fails the workflow with the typed failure
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT, "host " + host + " has no domain named " + domainName)
          .toFailure();
    }
    return ADOPTED_ID;
  }
}
