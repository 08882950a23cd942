package org.exitfilter.notice;

import java.util.List;

/** A broken or missing notice template; each problem is one line starting with file:line. */
public final class NoticeTemplateException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  NoticeTemplateException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line a problem: {@code file:line: error: message}. */
  public List<String> problems() {
    return problems;
  }
}
