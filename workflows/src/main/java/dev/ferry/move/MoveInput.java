package dev.ferry.move;

import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;

/** What an InstanceWorkflow gives the move it starts: the request and the record as it was. */
public record MoveInput(MoveRequest request, InstanceRecord instance) {}
