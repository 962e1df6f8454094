package dev.maestro.field.structured;

import dev.maestro.core.json.Json;
import dev.maestro.field.CommitSearchers;
import dev.maestro.field.Embedder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.QueryTimeout;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The structured side of the context field's local store: one Lucene document per typed record,
 * kept apart from the document index (its own folder, {@code <data-dir>/field-structured}, its own
 * corpus version) because its schema, its unit of ingest (a table) and its queries differ.
 *
 * <p>Per record the index holds the key {@code table/id}, the table, the id, the content hash and
 * the provenance (file, line), all stored; every field value as a lower-cased keyword twice, once
 * qualified ({@code kv}: {@code field=value}) and once not ({@code val}: {@code value}); every
 * field as English-analysed text ({@code t.field}); numeric fields also as points and doc values
 * ({@code nl.field} for whole numbers, {@code nd.field} for decimals); and the record rendered as
 * {@code table: NAME; field: value; ...}, BM25-indexed ({@code text}) and embedded ({@code vector},
 * cosine HNSW; the vector is also stored, so a record that only moved is rewritten without
 * embedding).
 *
 * <p>Ingest is per table and incremental by content hash: unchanged records are skipped, changed
 * ones embedded again, moved ones rewritten, and with {@code deleteMissing} the table's records
 * absent from the input removed. The corpus version is the SHA-256 over the sorted {@code (key,
 * content hash, location)} triples of every table, in the commit's user data.
 *
 * <p>Read-only and reopening work as in {@link dev.maestro.field.FieldIndex}: {@link #openReadOnly}
 * takes no write lock, and searches switch to a newer commit at most once per reopen interval.
 * Searches are interruptible: each runs on its own searcher whose query timeout is the calling
 * thread's interrupt flag, and an interrupted search throws {@link CancellationException}.
 */
public final class StructuredIndex implements AutoCloseable {

  static final String KEY = "rec_key";
  static final String TABLE = "table";
  static final String REC_ID = "rec_id";
  static final String HASH = "rec_hash";
  static final String FILE = "file";
  static final String LINE = "line";
  static final String FIELDS = "fields";
  static final String RENDERED = "rendered";
  static final String TEXT = "text";
  static final String FIELD_TEXT = "t.";
  static final String VECTOR = "vector";
  static final String VECTOR_BYTES = "vector_bytes";
  static final String CORPUS_VERSION = "corpus_version";
  static final String SIGNATURE = "signature";
  private static final int BATCH = 64;

  /** The least number of hits taken from each of the three searches before they are merged. */
  static final int MIN_POOL = 200;

  /** How often, at most, a read-only index checks for a newer commit by default. */
  public static final Duration DEFAULT_REOPEN_INTERVAL = Duration.ofSeconds(1);

  private final Embedder embedder;
  private final Analyzer analyzer = new EnglishAnalyzer();
  private final FSDirectory directory;
  private final IndexWriter writer; // null when read-only
  private final SearcherManager searchers;
  private final CommitSearchers commits;
  private volatile String corpusVersion;

  private StructuredIndex(Path dir, Embedder embedder, boolean readOnly, Duration reopen)
      throws IOException {
    this.embedder = embedder;
    this.directory = FSDirectory.open(dir);
    if (readOnly) {
      this.writer = null;
      try {
        this.searchers = new SearcherManager(directory, null);
      } catch (IOException | RuntimeException e) {
        directory.close();
        throw e;
      }
      this.corpusVersion = committedVersion();
      this.searchers.addListener(
          new ReferenceManager.RefreshListener() {
            @Override
            public void beforeRefresh() {}

            @Override
            public void afterRefresh(boolean didRefresh) throws IOException {
              if (didRefresh) corpusVersion = committedVersion();
            }
          });
      this.commits = new CommitSearchers(searchers, true, reopen, "structured index");
      return;
    }
    var config = new IndexWriterConfig(analyzer);
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    this.writer = new IndexWriter(directory, config);
    this.searchers = new SearcherManager(writer, null);
    this.commits = new CommitSearchers(searchers, false, Duration.ZERO, "structured index");
    String v = userData().get(CORPUS_VERSION);
    this.corpusVersion = v != null ? v : versionOf(Map.of());
  }

  /** Opens (or creates) the index in {@code dir} for ingest and search, taking the write lock. */
  public static StructuredIndex open(Path dir, Embedder embedder) {
    try {
      return new StructuredIndex(dir, embedder, false, Duration.ZERO);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the structured index in " + dir, e);
    }
  }

  /** {@link #openReadOnly(Path, Embedder, Duration)} with {@link #DEFAULT_REOPEN_INTERVAL}. */
  public static StructuredIndex openReadOnly(Path dir, Embedder embedder) {
    return openReadOnly(dir, embedder, DEFAULT_REOPEN_INTERVAL);
  }

  /**
   * Opens the existing index in {@code dir} for search only (no write lock; {@link #ingest} is
   * refused), checking for a newer commit at most every {@code reopenInterval} when used.
   *
   * @throws UncheckedIOException if {@code dir} holds no index
   */
  public static StructuredIndex openReadOnly(Path dir, Embedder embedder, Duration reopenInterval) {
    if (reopenInterval.isNegative())
      throw new IllegalArgumentException("reopenInterval must be >= 0: " + reopenInterval);
    try {
      return new StructuredIndex(dir, embedder, true, reopenInterval);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the structured index in " + dir, e);
    }
  }

  /** The embedder records and goal frames are embedded with. */
  public Embedder embedder() {
    return embedder;
  }

  /** The corpus version of the commit searched now (after reopening, if due). */
  public String corpusVersion() {
    maybeReopen();
    return corpusVersion;
  }

  /**
   * Read-only: checks now for a newer commit and switches to it.
   *
   * @return whether the corpus version changed
   */
  public boolean reopen() {
    if (writer != null) return false;
    String before = corpusVersion;
    commits.reopenNow();
    return !before.equals(corpusVersion);
  }

  /** How many records are indexed (every table). */
  public int recordCount() {
    IndexSearcher s = acquire();
    try {
      return s.getIndexReader().numDocs();
    } finally {
      release(s);
    }
  }

  /** The indexed record {@code table/id}, or {@code null}. */
  public StructuredRecord record(String table, String id) {
    IndexSearcher s = acquire();
    try {
      var top = s.search(new TermQuery(new Term(KEY, table + "/" + id)), 1);
      if (top.scoreDocs.length == 0) return null;
      return fromStored(s.storedFields().document(top.scoreDocs[0].doc));
    } catch (IOException e) {
      throw new UncheckedIOException("search failed", e);
    } finally {
      release(s);
    }
  }

  /**
   * Ingests {@code records}, all of one table with distinct ids (what {@link StructuredReader}
   * returns); progress lines go to {@code progress} when it is not null.
   *
   * <p>Nothing of a failed ingest is committed: a failure while writing rolls the writer back,
   * which also closes this index.
   *
   * @throws IllegalStateException when read-only, or when the index holds other tables embedded
   *     with another model
   */
  public synchronized StructuredIngestReport ingest(
      List<StructuredRecord> records, boolean deleteMissing, PrintStream progress) {
    if (writer == null) throw new IllegalStateException("the structured index is read-only");
    if (records.isEmpty()) throw new IllegalArgumentException("no records to ingest");
    long t0 = System.nanoTime();
    String table = records.getFirst().table();
    try {
      Map<String, Entry> existing = entries();
      String signature = embedder.name() + "|" + embedder.dimension();
      boolean sameModel = existing.isEmpty() || signature.equals(userData().get(SIGNATURE));
      if (!sameModel) {
        for (Entry e : existing.values())
          if (!e.table.equals(table))
            throw new IllegalStateException(
                "the structured index was built with another embedder ("
                    + userData().get(SIGNATURE)
                    + "); remove it and ingest every table again");
      }
      Map<String, Entry> result = new TreeMap<>(existing);
      Set<String> seen = new HashSet<>();
      List<StructuredRecord> embed = new ArrayList<>();
      List<StructuredRecord> move = new ArrayList<>();
      int added = 0, changed = 0, unchanged = 0;
      for (StructuredRecord r : records) {
        if (!r.table().equals(table))
          throw new IllegalArgumentException(
              "one ingest is one table: " + r.table() + " after " + table);
        if (!seen.add(r.key())) throw new IllegalArgumentException("duplicate record " + r.key());
        String hash = r.contentHash();
        Entry old = existing.get(r.key());
        result.put(r.key(), new Entry(table, hash, r.location()));
        if (old != null && old.hash.equals(hash) && sameModel) {
          if (old.location.equals(r.location())) unchanged++;
          else move.add(r);
          continue;
        }
        if (old == null) added++;
        else changed++;
        embed.add(r);
      }
      try {
        apply(table, embed, move, existing, seen, deleteMissing, result, progress, t0);
      } catch (IOException | RuntimeException e) {
        try {
          writer.rollback(); // nothing of a failed ingest is committed
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      String version = corpusVersion;
      int inTable = (int) result.values().stream().filter(e -> e.table.equals(table)).count();
      int deleted = existing.size() + added - result.size();
      return new StructuredIngestReport(
          table,
          added,
          changed,
          move.size(),
          unchanged,
          deleted,
          embed.size(),
          inTable,
          version,
          (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException e) {
      throw new UncheckedIOException("structured ingest failed", e);
    }
  }

  private void apply(
      String table,
      List<StructuredRecord> embed,
      List<StructuredRecord> move,
      Map<String, Entry> existing,
      Set<String> seen,
      boolean deleteMissing,
      Map<String, Entry> result,
      PrintStream progress,
      long t0)
      throws IOException {
    String signature = embedder.name() + "|" + embedder.dimension();
    for (int from = 0; from < embed.size(); from += BATCH) {
      List<StructuredRecord> batch = embed.subList(from, Math.min(embed.size(), from + BATCH));
      List<float[]> vectors =
          embedder.embed(batch.stream().map(StructuredRecord::rendered).toList());
      for (int i = 0; i < batch.size(); i++) write(batch.get(i), vectors.get(i));
      int done = from + batch.size();
      if (progress != null && (done % (BATCH * 8) == 0 || done == embed.size()))
        progress.printf(
            "ingest: %s: %d/%d records embedded (%.1f s)%n",
            table, done, embed.size(), (System.nanoTime() - t0) / 1e9);
    }
    if (!move.isEmpty()) {
      Map<String, float[]> vectors = storedVectors(move);
      for (StructuredRecord r : move) write(r, vectors.get(r.key()));
    }
    if (deleteMissing) {
      for (var e : existing.entrySet()) {
        if (!e.getValue().table.equals(table) || seen.contains(e.getKey())) continue;
        writer.deleteDocuments(new Term(KEY, e.getKey()));
        result.remove(e.getKey());
      }
    }
    String version = versionOf(result);
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CORPUS_VERSION, version);
    data.put(SIGNATURE, signature);
    writer.setLiveCommitData(data.entrySet());
    writer.commit();
    searchers.maybeRefreshBlocking();
    corpusVersion = version;
  }

  private void write(StructuredRecord r, float[] vector) throws IOException {
    var doc = new org.apache.lucene.document.Document();
    doc.add(new StringField(KEY, r.key(), Field.Store.YES));
    doc.add(new StringField(TABLE, r.table(), Field.Store.YES));
    doc.add(new StringField(REC_ID, r.id(), Field.Store.YES));
    doc.add(new StringField(HASH, r.contentHash(), Field.Store.YES));
    doc.add(new StoredField(FILE, r.file()));
    doc.add(new StoredField(LINE, r.line()));
    doc.add(new StoredField(FIELDS, Json.write(r.fields())));
    String rendered = r.rendered();
    doc.add(new StoredField(RENDERED, rendered));
    doc.add(new TextField(TEXT, rendered, Field.Store.NO));
    doc.add(
        new StringField(
            GoalConstraints.KV, "table=" + r.table().toLowerCase(Locale.ROOT), Field.Store.NO));
    for (var e : r.fields().entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      for (String kw : r.keywords(e.getKey())) {
        doc.add(new StringField(GoalConstraints.KV, name + "=" + kw, Field.Store.NO));
        doc.add(new StringField(GoalConstraints.VAL, kw, Field.Store.NO));
      }
      doc.add(
          new TextField(FIELD_TEXT + name, StructuredRecord.text(e.getValue()), Field.Store.NO));
      List<?> values = e.getValue() instanceof List<?> l ? l : List.of(e.getValue());
      for (Object v : values) {
        if (v instanceof Long x)
          doc.add(new LongField(GoalConstraints.LONGS + name, x, Field.Store.NO));
        else if (v instanceof Double x)
          doc.add(new DoubleField(GoalConstraints.DOUBLES + name, x, Field.Store.NO));
      }
    }
    doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
    doc.add(new StoredField(VECTOR_BYTES, bytes(vector)));
    writer.updateDocument(new Term(KEY, r.key()), doc);
  }

  /**
   * The {@code k} records best matching {@code goal}: exact matches of its constraints (see {@link
   * GoalConstraints}) first, then by min-max fused BM25 and cosine. {@code vector} is the goal's
   * embedding, or {@code null} to embed it here.
   *
   * @throws CancellationException when the calling thread is interrupted
   */
  public List<StructuredHit> search(String goal, float[] vector, int k) {
    if (goal.isBlank() || k < 1) return List.of();
    GoalConstraints constraints = GoalConstraints.parse(goal);
    IndexSearcher shared = acquire();
    try {
      if (shared.getIndexReader().numDocs() == 0) return List.of();
      IndexSearcher s = new IndexSearcher(shared.getIndexReader());
      s.setSimilarity(shared.getSimilarity());
      s.setTimeout(INTERRUPTED);
      int pool = Math.max(k, MIN_POOL);
      Set<Integer> docs = new HashSet<>();
      Query exact = constraints.query();
      if (exact != null) for (ScoreDoc sd : search(s, exact, pool)) docs.add(sd.doc);
      Map<Integer, Double> bm25 = new HashMap<>();
      Query lexical = lexicalQuery(constraints.bm25Text());
      if (lexical != null)
        for (ScoreDoc sd : search(s, lexical, pool)) bm25.put(sd.doc, (double) sd.score);
      float[] v = vector != null ? vector : embedder.embed(goal);
      checkInterrupted();
      Map<Integer, Double> cosine = new HashMap<>();
      for (ScoreDoc sd : search(s, new KnnFloatVectorQuery(VECTOR, v, pool), pool))
        cosine.put(sd.doc, 2.0 * sd.score - 1.0);
      docs.addAll(bm25.keySet());
      docs.addAll(cosine.keySet());
      double[] b = range(bm25), c = range(cosine);
      StoredFields stored = s.storedFields();
      List<StructuredHit> hits = new ArrayList<>(docs.size());
      for (int doc : docs) {
        StructuredRecord r = fromStored(stored.document(doc));
        GoalConstraints.Match m = constraints.match(r);
        Double rb = bm25.get(doc), rc = cosine.get(doc);
        double fused = 0.5 * norm(rb, b) + 0.5 * norm(rc, c);
        hits.add(
            new StructuredHit(
                r,
                m.weight() + fused,
                m.count(),
                rb == null ? Double.NaN : rb,
                rc == null ? Double.NaN : rc));
      }
      checkInterrupted();
      hits.sort(
          Comparator.comparingDouble(StructuredHit::score)
              .reversed()
              .thenComparing(h -> h.record().key()));
      return hits.size() > k ? List.copyOf(hits.subList(0, k)) : List.copyOf(hits);
    } catch (IOException e) {
      throw new UncheckedIOException("structured search failed", e);
    } finally {
      release(shared);
    }
  }

  private static final QueryTimeout INTERRUPTED = () -> Thread.currentThread().isInterrupted();

  private static ScoreDoc[] search(IndexSearcher s, Query q, int n) throws IOException {
    ScoreDoc[] got = s.search(q, n).scoreDocs;
    checkInterrupted();
    return got;
  }

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted())
      throw new CancellationException("structured recall was interrupted");
  }

  private static double[] range(Map<Integer, Double> scores) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : scores.values()) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new double[] {lo, hi};
  }

  private static double norm(Double v, double[] range) {
    if (v == null) return 0;
    return range[1] > range[0] ? (v - range[0]) / (range[1] - range[0]) : 1;
  }

  private Query lexicalQuery(String text) {
    var b = new BooleanQuery.Builder();
    int terms = 0;
    try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken() && terms < IndexSearcher.getMaxClauseCount()) {
        b.add(new TermQuery(new Term(TEXT, term.toString())), BooleanClause.Occur.SHOULD);
        terms++;
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return terms == 0 ? null : b.build();
  }

  private static StructuredRecord fromStored(org.apache.lucene.document.Document d) {
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = Json.read(d.get(FIELDS), LinkedHashMap.class);
    var fields = new LinkedHashMap<String, Object>();
    raw.forEach((k, v) -> fields.put(k, typed(v)));
    return new StructuredRecord(
        d.get(TABLE),
        d.get(REC_ID),
        fields,
        d.get(FILE),
        d.getField(LINE).numericValue().intValue());
  }

  private static Object typed(Object v) {
    if (v instanceof List<?> l) return l.stream().map(StructuredIndex::typed).toList();
    if (v instanceof Integer i) return i.longValue();
    if (v instanceof Float f) return f.doubleValue();
    if (v instanceof java.math.BigDecimal b) return b.doubleValue();
    return v;
  }

  private record Entry(String table, String hash, String location) {}

  private Map<String, Entry> entries() throws IOException {
    Map<String, Entry> out = new HashMap<>();
    IndexSearcher s = acquire();
    try {
      Set<String> wanted = Set.of(KEY, TABLE, HASH, FILE, LINE);
      for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
        Bits live = leaf.reader().getLiveDocs();
        StoredFields stored = leaf.reader().storedFields();
        for (int i = 0; i < leaf.reader().maxDoc(); i++) {
          if (live != null && !live.get(i)) continue;
          var d = stored.document(i, wanted);
          out.put(
              d.get(KEY),
              new Entry(
                  d.get(TABLE),
                  d.get(HASH),
                  d.get(FILE) + "#" + d.getField(LINE).numericValue().intValue()));
        }
      }
    } finally {
      release(s);
    }
    return out;
  }

  private Map<String, float[]> storedVectors(List<StructuredRecord> records) throws IOException {
    Map<String, float[]> out = new HashMap<>();
    IndexSearcher s = acquire();
    try {
      for (StructuredRecord r : records) {
        var top = s.search(new TermQuery(new Term(KEY, r.key())), 1);
        BytesRef bytes =
            s.storedFields().document(top.scoreDocs[0].doc).getBinaryValue(VECTOR_BYTES);
        out.put(r.key(), floats(bytes));
      }
    } finally {
      release(s);
    }
    return out;
  }

  private static byte[] bytes(float[] v) {
    ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) buf.putFloat(f);
    return buf.array();
  }

  private static float[] floats(BytesRef b) {
    ByteBuffer buf = ByteBuffer.wrap(b.bytes, b.offset, b.length).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.length / Float.BYTES];
    for (int i = 0; i < v.length; i++) v[i] = buf.getFloat();
    return v;
  }

  static String versionOf(Map<String, Entry> entries) {
    var sb = new StringBuilder();
    for (var e : new TreeMap<>(entries).entrySet())
      sb.append(e.getKey())
          .append('\t')
          .append(e.getValue().hash)
          .append('\t')
          .append(e.getValue().location)
          .append('\n');
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  private Map<String, String> userData() {
    Map<String, String> data = new HashMap<>();
    var live = writer.getLiveCommitData();
    if (live != null) for (var e : live) data.put(e.getKey(), e.getValue());
    return data;
  }

  private String committedVersion() throws IOException {
    IndexSearcher s = searchers.acquire();
    try {
      var data = ((DirectoryReader) s.getIndexReader()).getIndexCommit().getUserData();
      String v = data.get(CORPUS_VERSION);
      return v != null ? v : versionOf(Map.of());
    } finally {
      searchers.release(s);
    }
  }

  private void maybeReopen() {
    commits.maybeReopen();
  }

  private IndexSearcher acquire() {
    return commits.acquire();
  }

  private void release(IndexSearcher s) {
    commits.release(s);
  }

  @Override
  public void close() {
    try {
      commits.close();
      if (writer != null) writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the structured index failed", e);
    }
  }
}
