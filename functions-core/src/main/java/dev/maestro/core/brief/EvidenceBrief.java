package dev.maestro.core.brief;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * The deliverable of the evidence-brief recipe (schema {@code schemas/evidence-brief.schema.json}):
 * a question, a summary and one section per sub-question, every claim citing field items listed in
 * {@code sources}, and what the brief cost. The recipe's result is this object with {@code
 * markdown} (the rendered brief) added, and {@code stopped} (why) when the policy kernel ended the
 * brief early.
 *
 * @param question the researcher's question
 * @param planOrigin where the sub-questions came from: {@code model} or {@code template}
 * @param summary the synthesis's claims
 * @param sections one per sub-question, in plan order
 * @param sources every field item a claim cites, each once
 * @param droppedSentences sentences the models wrote without a valid citation, left out
 * @param cost what the brief's model calls cost
 * @param approvedBy who approved it, or null while it waits
 * @param redirects the instructions of redirect signals it was revised for, in order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EvidenceBrief(
    String question,
    String planOrigin,
    List<Claim> summary,
    List<Section> sections,
    List<Source> sources,
    int droppedSentences,
    Cost cost,
    String approvedBy,
    List<String> redirects) {

  public EvidenceBrief {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(planOrigin, "planOrigin");
    summary = List.copyOf(summary);
    sections = List.copyOf(sections);
    sources = List.copyOf(sources);
    Objects.requireNonNull(cost, "cost");
    redirects = redirects == null ? List.of() : List.copyOf(redirects);
  }

  /** The answer to one sub-question; {@code answeredBy} is null when no source bore on it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Section(String question, List<Claim> claims, String answeredBy) {
    public Section {
      Objects.requireNonNull(question, "question");
      claims = List.copyOf(claims);
    }
  }

  /**
   * Spend: {@code usd} as metered (the offline provider costs nothing), {@code listPriceCapUsd} the
   * most the same calls could cost at list prices (prompts at about four characters a token, every
   * output at its cap), {@code listPriceUsd} what the same tokens cost at the list price of the
   * model each call was routed to.
   */
  public record Cost(
      BigDecimal usd,
      BigDecimal listPriceUsd,
      BigDecimal listPriceCapUsd,
      int modelCalls,
      long tokensIn,
      long tokensOut) {
    public Cost {
      Objects.requireNonNull(usd, "usd");
      Objects.requireNonNull(listPriceUsd, "listPriceUsd");
      Objects.requireNonNull(listPriceCapUsd, "listPriceCapUsd");
    }
  }

  /** This brief as approved by {@code by}. */
  public EvidenceBrief approved(String by) {
    return new EvidenceBrief(
        question, planOrigin, summary, sections, sources, droppedSentences, cost, by, redirects);
  }

  /** Every claim in the brief, summary first. */
  public List<Claim> claims() {
    var all = new java.util.ArrayList<Claim>(summary);
    sections.forEach(s -> all.addAll(s.claims()));
    return all;
  }
}
