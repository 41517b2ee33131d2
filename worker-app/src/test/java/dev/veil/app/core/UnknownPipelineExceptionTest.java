package dev.veil.app.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownPipelineExceptionTest {

  private static final List<String> KNOWN = List.of("crm", "orders-eu", "shop");

  @Test
  void aMistypedPipelineIdGetsADidYouMean() {
    assertEquals(
        "no pipeline 'shpo' in folder p; did you mean 'shop'?",
        new UnknownPipelineException("shpo", "folder p", KNOWN).getMessage());
    assertEquals(
        "no pipeline 'orders_eu' in folder p; did you mean 'orders-eu'?",
        new UnknownPipelineException("orders_eu", "folder p", KNOWN).getMessage());
  }

  @Test
  void anIdLikeNoneGetsNoSuggestion() {
    assertEquals(
        "no pipeline 'billing' in folder p",
        new UnknownPipelineException("billing", "folder p", KNOWN).getMessage());
  }
}
