package org.exitfilter.notice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** The small JSON documents of the notice. */
final class NoticeJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NoticeJson() {}

  /** {@code /exit-addresses.json}: {@code {"addresses": ["203.0.113.10", "2001:db8::10"]}}. */
  static String addresses(List<String> addresses) throws JsonProcessingException {
    return JSON.writeValueAsString(Map.of("addresses", addresses)) + "\n";
  }
}
