package dev.maestro.azure.foundry;

import static dev.maestro.core.dispatch.WireRequests.simple;

/**
 * The program {@link EntraManagedIdentityTokenFlowTest} runs in a child JVM whose environment is
 * that of a Function App with a managed identity: it builds the provider from the app settings
 * exactly as production does ({@link FoundrySettings#from} over the environment, then {@link
 * FoundrySettings#provider()}) and makes {@code args[0]} chat calls, printing each answer's text.
 */
final class ManagedIdentityProbe {

  private ManagedIdentityProbe() {}

  public static void main(String[] args) {
    int calls = Integer.parseInt(args[0]);
    FoundryChatProvider provider = FoundrySettings.from(System.getenv()).provider();
    for (int i = 0; i < calls; i++) {
      var response = provider.complete("maestro-sonnet", simple());
      System.out.println("ANSWER " + response.text());
    }
    System.out.flush();
  }
}
