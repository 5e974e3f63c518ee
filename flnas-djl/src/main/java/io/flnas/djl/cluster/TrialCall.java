package io.flnas.djl.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The task a coordinator sends a worker: a signed JSON request, answered with a signed JSON
 * reply. It travels as two strings through Hazelcast's own serialization (no Java serialization of
 * our classes), and the worker checks the signature before it parses anything.
 */
final class TrialCall implements Callable<String>, IdentifiedDataSerializable,
    HazelcastInstanceAware {
  static final int FACTORY_ID = 0x464C;
  static final int CLASS_ID = 1;

  private String message;
  private String signature;
  private transient HazelcastInstance instance;

  TrialCall() {}

  TrialCall(Signed request) {
    this.message = request.message();
    this.signature = request.signature();
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance value) {
    this.instance = value;
  }

  /** The reply: signature, a newline, then the message. */
  @Override
  public String call() {
    WorkerNode node = (WorkerNode) instance.getUserContext().get(WorkerNode.CONTEXT_KEY);
    if (node == null) {
      throw new IllegalStateException("member " + instance.getName() + " is not a flnas worker");
    }
    Signed reply = node.serve(new Signed(message, signature));
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
