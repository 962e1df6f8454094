package dev.maestro.core.brief;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders an {@link EvidenceBrief} as Markdown: the question as title, the summary, a section per
 * sub-question, and the numbered sources every claim points to ({@code [n]} in the text).
 */
public final class BriefMarkdown {

  private BriefMarkdown() {}

  /** The brief as a Markdown document. */
  public static String render(EvidenceBrief brief) {
    Map<String, Integer> number = new HashMap<>();
    for (int i = 0; i < brief.sources().size(); i++) {
      number.put(brief.sources().get(i).id(), i + 1);
    }
    var md = new StringBuilder();
    md.append("# ").append(brief.question().strip()).append("\n\n");
    md.append(
        brief.approvedBy() == null
            ? "_Draft: awaiting approval._\n\n"
            : "_Approved by " + brief.approvedBy() + "._\n\n");
    md.append("## Summary\n\n");
    claims(md, brief.summary(), number);
    for (EvidenceBrief.Section section : brief.sections()) {
      md.append("## ").append(section.question().strip()).append("\n\n");
      claims(md, section.claims(), number);
    }
    md.append("## Sources\n\n");
    for (int i = 0; i < brief.sources().size(); i++) {
      Source s = brief.sources().get(i);
      md.append(i + 1).append(". ");
      md.append(s.provenance().isEmpty() ? s.id() : String.join("; ", s.provenance()));
      md.append(" — ").append(excerpt(s.text())).append('\n');
    }
    EvidenceBrief.Cost c = brief.cost();
    md.append("\n---\n")
        .append(c.modelCalls())
        .append(" model calls, ")
        .append(c.tokensIn())
        .append(" tokens in, ")
        .append(c.tokensOut())
        .append(" out; spent $")
        .append(c.usd().toPlainString())
        .append(" (at list prices: $")
        .append(c.listPriceUsd().toPlainString())
        .append("; at most $")
        .append(c.listPriceCapUsd().toPlainString())
        .append(" with every output at its cap).");
    if (brief.droppedSentences() > 0) {
      md.append(" ").append(brief.droppedSentences()).append(" uncited sentence(s) left out.");
    }
    md.append('\n');
    return md.toString();
  }

  private static void claims(StringBuilder md, List<Claim> claims, Map<String, Integer> number) {
    if (claims.isEmpty()) {
      md.append("_The field held no evidence for this._\n\n");
      return;
    }
    for (Claim claim : claims) {
      md.append("- ").append(claim.text());
      for (String id : claim.citations()) {
        md.append(" [").append(number.getOrDefault(id, 0)).append(']');
      }
      md.append('\n');
    }
    md.append('\n');
  }

  private static String excerpt(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= 160 ? flat : flat.substring(0, 157) + "...";
  }
}
