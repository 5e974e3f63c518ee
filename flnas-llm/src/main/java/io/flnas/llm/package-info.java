/**
 * The LLM designer of FL-NAS on LangChain4j: {@link io.flnas.llm.LlmDesigner} (parse, validate,
 * re-ask), the paper's prompt ({@link io.flnas.llm.PromptStrategies}), model factories for OpenAI's
 * GPT-4 family and Ollama ({@link io.flnas.llm.ChatModels}), replay from a journal ({@link
 * io.flnas.llm.ReplayChatModel}) and spending limits ({@link io.flnas.llm.TokenBudget}).
 */
package io.flnas.llm;
