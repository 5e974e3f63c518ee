package io.flnas.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/** Replies as OpenAI's and Ollama's chat endpoints do, on a local MockWebServer. */
final class FakeOpenAi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final MockWebServer server = new MockWebServer();

  FakeOpenAi() throws IOException {
    server.start();
  }

  String openAiUrl() {
    return server.url("/v1").toString();
  }

  String ollamaUrl() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  /** An OpenAI chat completion with the given content and usage. */
  FakeOpenAi reply(String content, int promptTokens, int completionTokens) {
    server.enqueue(json(200, completion(content, promptTokens, completionTokens)));
    return this;
  }

  private static String completion(String content, int promptTokens, int completionTokens) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "chatcmpl-1")
        .put("object", "chat.completion")
        .put("created", 1700000000)
        .put("model", "gpt-4o-2024-08-06");
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0).put("finish_reason", "stop");
    choice.putObject("message").put("role", "assistant").put("content", content);
    body.putObject("usage")
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
    return body.toString();
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse()
        .setResponseCode(status)
        .addHeader("Content-Type", "application/json")
        .setBody(body);
  }

  FakeOpenAi reply(String content) {
    return reply(content, 100, 50);
  }

  /** An Ollama /api/chat reply. */
  FakeOpenAi ollamaReply(String content) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", "llama3.1")
        .put("created_at", "2026-11-23T00:00:00Z")
        .put("done", true)
        .put("done_reason", "stop")
        .put("prompt_eval_count", 80)
        .put("eval_count", 40);
    body.putObject("message").put("role", "assistant").put("content", content);
    server.enqueue(json(200, body.toString()));
    return this;
  }

  FakeOpenAi error(int status, String body) {
    server.enqueue(json(status, body));
    return this;
  }

  /** A reply whose headers come only after {@code millis}, to trip a client timeout. */
  FakeOpenAi slow(String content, long millis) {
    server.enqueue(
        json(200, completion(content, 100, 50)).setHeadersDelay(millis, TimeUnit.MILLISECONDS));
    return this;
  }

  /** Every request received so far, in order, as (path, authorization, body). */
  List<Received> received() throws Exception {
    List<Received> all = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      all.add(
          new Received(
              request.getPath(), request.getHeader("Authorization"), request.getBody().readUtf8()));
    }
    return all;
  }

  record Received(String path, String authorization, String body) {
    ObjectNode json() throws IOException {
      return (ObjectNode) JSON.readTree(body);
    }
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }
}
