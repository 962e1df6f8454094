package dev.maestro.field;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
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
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * The context field's local index: one Lucene document per chunk, with a BM25 text field (English
 * analyzer), a cosine HNSW vector and stored provenance; the corpus version lives in the commit's
 * user data.
 *
 * <p>Ingest is incremental: a document whose content hash is already indexed is skipped (nothing is
 * embedded), a changed one has all its chunks replaced, and with {@code deleteMissing} the
 * documents absent from the input are removed. The corpus version is the SHA-256 over the sorted
 * {@code (document id, content hash)} pairs, so it changes exactly when the indexed content does.
 * If the index was built with another embedder or chunker, every document is re-embedded.
 *
 * <p>Searches are thread-safe; ingest is not meant to run concurrently with itself. Every search
 * acquires the current searcher from a {@link SearcherManager} and releases it afterwards, so a
 * reader replaced by a newer commit is closed only once the last search on it has finished.
 *
 * <p><b>Read-only and reopening.</b> An index {@linkplain #openReadOnly opened read-only} (what a
 * serving runtime does) checks, at most once per reopen interval and only when it is used, whether
 * another process ({@code maestro ingest}) has committed since; if so it switches to the new commit
 * without a restart, and {@link #corpusVersion()} follows (so caches keyed on it miss).
 */
public final class FieldIndex implements AutoCloseable {

  static final String ID = "chunk_id";
  static final String DOC_ID = "doc_id";
  static final String DOC_HASH = "doc_hash";
  static final String TITLE = "title";
  static final String SOURCE = "source";
  static final String CHUNK_N = "chunk_n";
  static final String CHUNK_TEXT = "chunk_text";
  static final String TEXT = "text";
  static final String VECTOR = "vector";
  static final String CORPUS_VERSION = "corpus_version";
  static final String SIGNATURE = "signature";
  private static final int DOCS_PER_BATCH = 64;

  private final Embedder embedder;
  private final Chunker chunker;
  private final Analyzer analyzer = new EnglishAnalyzer();
  private final FSDirectory directory;
  private final IndexWriter writer; // null when opened read-only
  private final SearcherManager searchers;
  private final CommitSearchers commits;
  private volatile String corpusVersion;

  /** How often, at most, a read-only index checks for a newer commit by default. */
  public static final Duration DEFAULT_REOPEN_INTERVAL = Duration.ofSeconds(1);

  private FieldIndex(
      Path dir, Embedder embedder, Chunker chunker, boolean readOnly, Duration reopenInterval)
      throws IOException {
    this.embedder = embedder;
    this.chunker = chunker;
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
      this.searchers.addListener(new VersionFollower());
      this.commits = new CommitSearchers(searchers, true, reopenInterval, "field index");
      return;
    }
    var config = new IndexWriterConfig(analyzer);
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    config.setRAMBufferSizeMB(128);
    this.writer = new IndexWriter(directory, config);
    this.searchers = new SearcherManager(writer, null);
    this.commits = new CommitSearchers(searchers, false, Duration.ZERO, "field index");
    var data = writer.getLiveCommitData();
    String version = null;
    if (data != null)
      for (var e : data) if (e.getKey().equals(CORPUS_VERSION)) version = e.getValue();
    this.corpusVersion = version != null ? version : versionOf(new TreeMap<>());
  }

  /** Read-only: after a reopen onto a new commit, the corpus version is that commit's. */
  private final class VersionFollower implements ReferenceManager.RefreshListener {
    @Override
    public void beforeRefresh() {}

    @Override
    public void afterRefresh(boolean didRefresh) throws IOException {
      if (didRefresh) corpusVersion = committedVersion();
    }
  }

  /** The corpus version in the user data of the commit the current searcher reads. */
  private String committedVersion() throws IOException {
    IndexSearcher s = searchers.acquire();
    try {
      var data = ((DirectoryReader) s.getIndexReader()).getIndexCommit().getUserData();
      String version = data.get(CORPUS_VERSION);
      return version != null ? version : versionOf(new TreeMap<>());
    } finally {
      searchers.release(s);
    }
  }

  /**
   * Read-only: switches to a newer commit when the reopen interval has passed since the last check.
   * Never blocks on another thread's reopen (that one's result serves this search too).
   */
  private void maybeReopen() {
    commits.maybeReopen();
  }

  /** The current searcher, reopened first when due; give it back with {@link #release}. */
  private IndexSearcher acquire() {
    return commits.acquire();
  }

  private void release(IndexSearcher s) {
    commits.release(s);
  }

  /**
   * Checks now, whatever the reopen interval, whether a newer commit exists, and switches to it.
   * Read-only indexes only (a writable index sees its own ingests at once).
   *
   * @return whether the corpus version changed
   */
  public boolean reopen() {
    if (writer != null) return false;
    String before = corpusVersion;
    commits.reopenNow();
    return !before.equals(corpusVersion);
  }

  /**
   * Opens the existing index in {@code dir} for search only, checking for a newer commit at most
   * every {@link #DEFAULT_REOPEN_INTERVAL}; see {@link #openReadOnly(Path, Embedder, Duration)}.
   *
   * @throws UncheckedIOException if {@code dir} holds no index
   */
  public static FieldIndex openReadOnly(Path dir, Embedder embedder) {
    return openReadOnly(dir, embedder, DEFAULT_REOPEN_INTERVAL);
  }

  /**
   * Opens the existing index in {@code dir} for search only: no write lock is taken, so {@code
   * maestro ingest} may run while it is open; a commit it makes is picked up by the first search
   * (or {@link #corpusVersion()}) at least {@code reopenInterval} after the previous check ({@link
   * Duration#ZERO}: every time), and {@link #ingest} is refused.
   *
   * @throws UncheckedIOException if {@code dir} holds no index
   */
  public static FieldIndex openReadOnly(Path dir, Embedder embedder, Duration reopenInterval) {
    if (reopenInterval.isNegative())
      throw new IllegalArgumentException("reopenInterval must be >= 0: " + reopenInterval);
    try {
      return new FieldIndex(dir, embedder, Chunker.DEFAULT, true, reopenInterval);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the field index in " + dir, e);
    }
  }

  /** Opens (or creates) the index in {@code dir} with the default chunker. */
  public static FieldIndex open(Path dir, Embedder embedder) {
    return open(dir, embedder, Chunker.DEFAULT);
  }

  /** Opens (or creates) the index in {@code dir}. */
  public static FieldIndex open(Path dir, Embedder embedder, Chunker chunker) {
    try {
      return new FieldIndex(dir, embedder, chunker, false, Duration.ZERO);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the field index in " + dir, e);
    }
  }

  /** The embedder this index embeds queries and chunks with. */
  public Embedder embedder() {
    return embedder;
  }

  /**
   * The hash over the indexed documents' content hashes, as of the last ingest (read-only: of the
   * commit searched now, after reopening if due).
   */
  public String corpusVersion() {
    maybeReopen();
    return corpusVersion;
  }

  /** How many chunks are indexed. */
  public int chunkCount() {
    IndexSearcher s = acquire();
    try {
      return s.getIndexReader().numDocs();
    } finally {
      release(s);
    }
  }

  /**
   * Ingests {@code docs} (ids must be unique); progress lines go to {@code progress} when it is not
   * null.
   */
  public synchronized IngestReport ingest(
      List<Document> docs, boolean deleteMissing, PrintStream progress) {
    if (writer == null) throw new IllegalStateException("the field index was opened read-only");
    long t0 = System.nanoTime();
    try {
      String signature = embedder.name() + "|" + chunker.maxWords() + "|" + chunker.overlapWords();
      Map<String, String> existing = indexedHashes();
      boolean sameModel = signature.equals(userData().get(SIGNATURE)) || existing.isEmpty();
      Map<String, String> result = new TreeMap<>(existing);
      Set<String> seen = new HashSet<>();
      int added = 0, changed = 0, unchanged = 0, deleted = 0, chunks = 0;
      List<Document> pending = new ArrayList<>();
      for (Document d : docs) {
        if (!seen.add(d.id()))
          throw new IllegalArgumentException("duplicate document id " + d.id());
        String hash = d.contentHash();
        String old = existing.get(d.id());
        if (old != null && old.equals(hash) && sameModel) {
          unchanged++;
          continue;
        }
        if (old == null) added++;
        else changed++;
        result.put(d.id(), hash);
        pending.add(d);
      }
      int done = 0;
      for (int from = 0; from < pending.size(); from += DOCS_PER_BATCH) {
        List<Document> batch =
            pending.subList(from, Math.min(pending.size(), from + DOCS_PER_BATCH));
        chunks += write(batch);
        done += batch.size();
        if (progress != null && (done % (DOCS_PER_BATCH * 16) == 0 || done == pending.size()))
          progress.printf(
              "ingest: %d/%d documents embedded (%d chunks, %.0f s)%n",
              done, pending.size(), chunks, (System.nanoTime() - t0) / 1e9);
      }
      if (deleteMissing) {
        for (String id : existing.keySet()) {
          if (seen.contains(id)) continue;
          writer.deleteDocuments(new Term(DOC_ID, id));
          result.remove(id);
          deleted++;
        }
      }
      String version = versionOf(result);
      Map<String, String> data = new LinkedHashMap<>();
      data.put(CORPUS_VERSION, version);
      data.put(SIGNATURE, signature);
      writer.setLiveCommitData(data.entrySet());
      writer.commit();
      refresh();
      corpusVersion = version;
      return new IngestReport(
          added,
          changed,
          unchanged,
          deleted,
          chunks,
          version,
          (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException e) {
      throw new UncheckedIOException("ingest failed", e);
    }
  }

  private int write(List<Document> batch) throws IOException {
    List<Chunk> chunks = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Document d : batch) {
      List<Chunk> own = chunker.chunk(d);
      // A document with a blank body still gets one (empty) chunk: its title stays searchable and
      // its content hash stays tracked, so re-ingesting it embeds nothing.
      if (own.isEmpty()) own = List.of(new Chunk(Chunk.id(d.id(), 0), d.id(), 0, 0, 0, ""));
      for (Chunk c : own) {
        chunks.add(c);
        texts.add(indexText(d, c));
      }
    }
    List<float[]> vectors = embedder.embed(texts);
    Map<String, Document> byId = new HashMap<>();
    for (Document d : batch) {
      byId.put(d.id(), d);
      writer.deleteDocuments(new Term(DOC_ID, d.id()));
    }
    for (int i = 0; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      Document d = byId.get(c.docId());
      var doc = new org.apache.lucene.document.Document();
      doc.add(new StringField(ID, c.id(), Field.Store.YES));
      doc.add(new StringField(DOC_ID, d.id(), Field.Store.YES));
      doc.add(new StringField(DOC_HASH, d.contentHash(), Field.Store.YES));
      doc.add(new StoredField(TITLE, d.title()));
      doc.add(new StoredField(SOURCE, d.source()));
      doc.add(new StoredField(CHUNK_N, c.n()));
      doc.add(new StoredField(CHUNK_TEXT, c.text()));
      doc.add(new TextField(TEXT, texts.get(i), Field.Store.NO));
      doc.add(new KnnFloatVectorField(VECTOR, vectors.get(i), VectorSimilarityFunction.COSINE));
      writer.addDocument(doc);
    }
    return chunks.size();
  }

  /** What is indexed and embedded for a chunk: the title, then the chunk. */
  static String indexText(Document d, Chunk c) {
    return d.title().isEmpty() ? c.text() : d.title() + "\n" + c.text();
  }

  private Map<String, String> indexedHashes() throws IOException {
    Map<String, String> hashes = new HashMap<>();
    Set<String> fields = Set.of(DOC_ID, DOC_HASH);
    IndexSearcher s = acquire();
    try {
      for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
        Bits live = leaf.reader().getLiveDocs();
        StoredFields stored = leaf.reader().storedFields();
        for (int i = 0; i < leaf.reader().maxDoc(); i++) {
          if (live != null && !live.get(i)) continue;
          var doc = stored.document(i, fields);
          hashes.put(doc.get(DOC_ID), doc.get(DOC_HASH));
        }
      }
    } finally {
      release(s);
    }
    return hashes;
  }

  private Map<String, String> userData() throws IOException {
    Map<String, String> data = new HashMap<>();
    var live = writer.getLiveCommitData();
    if (live != null) for (var e : live) data.put(e.getKey(), e.getValue());
    return data;
  }

  private void refresh() throws IOException {
    searchers.maybeRefreshBlocking();
  }

  static String versionOf(Map<String, String> sortedHashes) {
    var sb = new StringBuilder();
    for (var e : new TreeMap<>(sortedHashes).entrySet())
      sb.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
    return Document.sha256(sb.toString());
  }

  /** How many chunks document {@code docId} has in the index (0 when it is not indexed). */
  public int documentChunks(String docId) {
    IndexSearcher s = acquire();
    try {
      return s.count(new TermQuery(new Term(DOC_ID, docId)));
    } catch (IOException e) {
      throw new UncheckedIOException("search failed", e);
    } finally {
      release(s);
    }
  }

  /** The {@code k} best chunks by BM25 over the analysed query terms. */
  public List<Candidate> bm25(String query, int k) {
    Query q = lexicalQuery(query);
    if (q == null) return List.of();
    return collect(q, k, Channel.BM25);
  }

  /** The {@code k} chunks nearest to the query's embedding (HNSW, approximate). */
  public List<Candidate> dense(String query, int k) {
    return dense(embedder.embed(query), k);
  }

  /** The {@code k} chunks nearest to {@code vector}. */
  public List<Candidate> dense(float[] vector, int k) {
    return collect(new KnnFloatVectorQuery(VECTOR, vector, k), k, Channel.DENSE);
  }

  /** BM25 and dense, {@code k} from each, fused by {@link Fusion#DEFAULT} into {@code k}. */
  public List<Candidate> hybrid(String query, int k) {
    return hybrid(query, k, Fusion.DEFAULT);
  }

  /** BM25 and dense, {@code k} from each, fused by {@code fusion} into {@code k}. */
  public List<Candidate> hybrid(String query, int k, Fusion fusion) {
    return hybrid(query, embedder.embed(query), k, fusion);
  }

  /** As {@link #hybrid(String, int, Fusion)} with the query's vector already computed. */
  public List<Candidate> hybrid(String query, float[] vector, int k, Fusion fusion) {
    return fusion.fuse(bm25(query, k), dense(vector, k), k);
  }

  private enum Channel {
    BM25,
    DENSE
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

  private List<Candidate> collect(Query q, int k, Channel channel) {
    IndexSearcher s = acquire();
    try {
      if (channel == Channel.DENSE && s.getIndexReader().numDocs() == 0) return List.of();
      TopDocs top = s.search(q, Math.max(1, k));
      StoredFields stored = s.storedFields();
      List<Candidate> out = new ArrayList<>(top.scoreDocs.length);
      for (ScoreDoc sd : top.scoreDocs) {
        var doc = stored.document(sd.doc);
        double score = channel == Channel.DENSE ? 2.0 * sd.score - 1.0 : sd.score;
        out.add(
            new Candidate(
                doc.get(ID),
                doc.get(DOC_ID),
                doc.getField(CHUNK_N).numericValue().intValue(),
                score,
                channel == Channel.BM25 ? score : Double.NaN,
                channel == Channel.DENSE ? score : Double.NaN,
                doc.get(TITLE),
                doc.get(SOURCE),
                doc.get(DOC_HASH),
                doc.get(CHUNK_TEXT)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("search failed", e);
    } finally {
      release(s);
    }
  }

  @Override
  public void close() {
    try {
      commits.close();
      if (writer != null) writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the field index failed", e);
    }
  }
}
