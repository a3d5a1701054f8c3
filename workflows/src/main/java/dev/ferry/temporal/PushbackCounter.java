package dev.ferry.temporal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts the calls a Temporal server pushed back with RESOURCE_EXHAUSTED: a real server refuses,
 * e.g., an 11th in-flight Update on one workflow (Ferry's placement under load) or a rate limit.
 * The SDK's gRPC retryer retries those with its congestion backoff; this interceptor only makes the
 * retries visible (a count, and one line each for whoever listens), so a run can say how often the
 * server pushed back instead of hiding it. Not workflow code: the clients and workers install it on
 * their service stubs.
 */
public final class PushbackCounter implements ClientInterceptor {
  private final AtomicLong pushbacks = new AtomicLong();
  private final Consumer<String> onPushback;

  /**
   * @param onPushback told of each pushback: the call, the server's reason, the count so far
   */
  public PushbackCounter(Consumer<String> onPushback) {
    this.onPushback = onPushback;
  }

  /** How many calls the server has pushed back so far. */
  public long pushbacks() {
    return pushbacks.get();
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(
        next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                  long n = pushbacks.incrementAndGet();
                  onPushback.accept(
                      "Temporal pushed back "
                          + method.getBareMethodName()
                          + " ("
                          + status.getDescription()
                          + "), retried with backoff; "
                          + n
                          + " pushback(s) so far");
                }
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }
}
