package io.flnas.djl.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task a coordinator sends a worker: a signed JSON request, answered with a signed JSON reply.
 * It travels as two strings through Hazelcast's own serialization (no Java serialization of our
 * classes), and the worker checks the signature before it parses anything. {@link TaskGuard} stamps
 * it on arrival with the time and the sending member's address.
 */
final class TrialCall
    implements Callable<String>, IdentifiedDataSerializable, HazelcastInstanceAware {
  static final int FACTORY_ID = 0x464C;
  static final int CLASS_ID = 1;
  private static final Logger LOG = LoggerFactory.getLogger(TrialCall.class);

  private String message;
  private String signature;
  private transient HazelcastInstance instance;
  private transient Instant arrival;
  private transient String sender = TaskGuard.UNKNOWN;

  TrialCall() {}

  TrialCall(Signed request) {
    this.message = request.message();
    this.signature = request.signature();
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance value) {
    this.instance = value;
  }

  /** Notes when and from where it arrived; the first note counts. */
  synchronized void arrived(Instant time, String from) {
    if (arrival == null) {
      arrival = time;
      sender = from;
    }
  }

  /** The reply: signature, a newline, then the message. */
  @Override
  public String call() {
    Object node = instance.getUserContext().get(WorkerNode.CONTEXT_KEY);
    Instant time;
    String from;
    synchronized (this) {
      time = arrival;
      from = sender;
    }
    if (!(node instanceof WorkerNode worker)) {
      LOG.warn("refused a trial request from {}: this member is not a flnas worker", from);
      throw new IllegalStateException("member " + instance.getName() + " is not a flnas worker");
    }
    Signed reply =
        worker.serve(
            new Signed(message, signature),
            instance.getCluster().getLocalMember().getUuid(),
            time,
            from);
    return reply.signature() + "\n" + reply.message();
  }

  static Signed parseReply(String text) {
    int newline = text == null ? -1 : text.indexOf('\n');
    if (newline < 0) {
      return new Signed(text == null ? "" : text, "");
    }
    return new Signed(text.substring(newline + 1), text.substring(0, newline));
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(message);
    out.writeString(signature);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    message = in.readString();
    signature = in.readString();
  }

  @Override
  public int getFactoryId() {
    return FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return CLASS_ID;
  }
}
