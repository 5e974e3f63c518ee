package io.flnas.examples;

/** Bad input to the program: printed as one line, exit code 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
