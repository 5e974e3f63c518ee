package io.flnas;

/**
 * Thrown by a designer when a spending budget (tokens, money) is used up. The search stops cleanly:
 * the trials so far stay in the journal and in the result, whose stop reason carries this message.
 */
public class BudgetExhaustedException extends FlNasException {
  public BudgetExhaustedException(String message) {
    super(message);
  }
}
