package dev.maestro.eval.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.maestro.aws.dynamodb.DynamoBudgetLedger;
import dev.maestro.aws.dynamodb.DynamoSchema;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.aws.lambda.ApiHandler;
import dev.maestro.aws.scheduler.CloudSchedulerConfig;
import dev.maestro.azure.cosmos.CosmosContainers;
import dev.maestro.azure.cosmos.CosmosSchema;
import dev.maestro.azure.functions.AzureRuntime;
import dev.maestro.azure.streams.StreamContainers;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.eval.infra.BicepReader.Decl;
import dev.maestro.eval.infra.BicepReader.Loop;
import dev.maestro.eval.infra.BicepReader.Str;
import dev.maestro.otel.OtlpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * The infrastructure code (infra/aws Terraform, infra/azure Bicep) against the code it deploys, in
 * both directions: handlers and functions, tables and containers with their keys, environment
 * variables and app settings, API routes, the state machine definition.
 *
 * <p>What this is: a static comparison. Terraform is parsed by HashiCorp's HCL parser
 * ({@code @cdktf/hcl2json}); Bicep by {@link BicepReader}, a structural reader. What this is not:
 * nothing is planned, validated against a provider schema, compiled by Bicep or deployed; a wrong
 * attribute name, API version or IAM action would show only at {@code terraform validate} / {@code
 * az deployment} time, which needs providers and cloud access this build does not have.
 */
class InfraConsistencyTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The repository root (tests run in eval/). */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static final Path AWS = ROOT.resolve("infra/aws");
  private static final Path AZURE = ROOT.resolve("infra/azure");

  /**
   * Variables Lambda functions get that the platform's Java runtime reads, not the code:
   * JAVA_TOOL_OPTIONS (JVM flags).
   */
  private static final Set<String> AWS_PLATFORM_SETTINGS = Set.of("JAVA_TOOL_OPTIONS");

  /**
   * Variables the AWS functions' code reads that the Terraform leaves unset on purpose. Each is
   * optional (the code has a default or treats absence as "off"):
   */
  private static final Set<String> AWS_OPTIONAL =
      Set.of(
          // Set by Lambda itself.
          "AWS_REGION",
          "AWS_LAMBDA_LOG_STREAM_NAME",
          // An endpoint override for DynamoDB Local (maestro invoke aws, tests).
          "MAESTRO_DYNAMODB_ENDPOINT",
          // Defaults: PT5S.
          "MAESTRO_WAKE_NEAR_THRESHOLD",
          // Priming at init: only with provisioned concurrency, which these functions do not use.
          "MAESTRO_PRIME_ON_INIT",
          // The learned policy: only with policy-onnx in the package (not by default).
          "MAESTRO_POLICY_V1",
          "MAESTRO_POLICY_V1_MODEL",
          // Bedrock dispatch (AwsDispatch) is not wired into a deployed handler yet; defaults
          // apply.
          "MAESTRO_BEDROCK_REGION",
          "MAESTRO_BEDROCK_ENDPOINT",
          "MAESTRO_BEDROCK_TIMEOUT",
          // Direct providers' keys (ProviderSettings): none by default
          // (docs/runbooks/rotate-keys.md).
          "ANTHROPIC_API_KEY",
          "ANTHROPIC_BASE_URL",
          "OPENAI_API_KEY",
          "OPENAI_BASE_URL",
          // The local runtime's JWT verifier (functions-local); API Gateway verifies tokens on AWS.
          "MAESTRO_JWT_ISSUER",
          "MAESTRO_JWT_JWKS_URL",
          "MAESTRO_JWT_AUDIENCE",
          "MAESTRO_JWT_TENANT_CLAIM",
          "MAESTRO_COGNITO_USER_POOL_ID",
          "MAESTRO_COGNITO_CLIENT_ID",
          "MAESTRO_ENTRA_TENANT_ID",
          "MAESTRO_ENTRA_AUDIENCE",
          // The standard OTEL_* refinements of OTEL_EXPORTER_OTLP_ENDPOINT (OtlpSettings).
          "OTEL_SDK_DISABLED",
          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
          "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
          "OTEL_EXPORTER_OTLP_PROTOCOL",
          "OTEL_EXPORTER_OTLP_HEADERS",
          "OTEL_EXPORTER_OTLP_TIMEOUT",
          "OTEL_METRIC_EXPORT_INTERVAL",
          "OTEL_SERVICE_NAME",
          "OTEL_RESOURCE_ATTRIBUTES");

  /** App settings the Functions platform reads, not the code (identity-based host storage). */
  private static final Set<String> AZURE_PLATFORM_SETTINGS =
      Set.of(
          "AzureWebJobsStorage",
          "APPLICATIONINSIGHTS_CONNECTION_STRING",
          "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");

  /** Settings the Azure code reads that the Bicep leaves unset on purpose (all optional): */
  private static final Set<String> AZURE_OPTIONAL =
      Set.of(
          // Foundry refinements with defaults (FoundrySettings).
          "MAESTRO_FOUNDRY_MODE",
          "MAESTRO_FOUNDRY_API_VERSION",
          "MAESTRO_FOUNDRY_TOKEN_FIELD",
          "MAESTRO_FOUNDRY_TIMEOUT_SECONDS",
          // The learned policy: only with policy-onnx in the package.
          "MAESTRO_POLICY_V1",
          "MAESTRO_POLICY_V1_MODEL",
          // Direct providers' keys: none by default.
          "ANTHROPIC_API_KEY",
          "ANTHROPIC_BASE_URL",
          "OPENAI_API_KEY",
          "OPENAI_BASE_URL",
          // The local runtime's JWT verifier; App Service authentication verifies tokens on Azure.
          "MAESTRO_JWT_ISSUER",
          "MAESTRO_JWT_JWKS_URL",
          "MAESTRO_JWT_AUDIENCE",
          "MAESTRO_JWT_TENANT_CLAIM",
          "MAESTRO_COGNITO_USER_POOL_ID",
          "MAESTRO_COGNITO_CLIENT_ID",
          "MAESTRO_ENTRA_TENANT_ID",
          "MAESTRO_ENTRA_AUDIENCE",
          "AWS_REGION",
          "OTEL_SDK_DISABLED",
          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
          "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
          "OTEL_EXPORTER_OTLP_PROTOCOL",
          "OTEL_EXPORTER_OTLP_HEADERS",
          "OTEL_EXPORTER_OTLP_TIMEOUT",
          "OTEL_METRIC_EXPORT_INTERVAL",
          "OTEL_SERVICE_NAME",
          "OTEL_RESOURCE_ATTRIBUTES");

  private static Map<Path, JsonNode> terraform;
  private static Map<String, byte[]> awsClasses;
  private static Map<String, byte[]> azureClasses;
  private static TreeSet<String> sharedEnvNames;

  @BeforeAll
  static void parse() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(AWS)) {
      files = walk.filter(p -> p.toString().endsWith(".tf")).sorted().toList();
    }
    terraform = Hcl2Json.parse(files);
    awsClasses = ClassScan.classesOf(ApiHandler.class);
    azureClasses = ClassScan.classesOf(AzureRuntime.class);
    var shared = new ArrayList<byte[]>();
    shared.addAll(ClassScan.classesOf(ApiRouter.class).values());
    shared.addAll(ClassScan.classesOf(OtlpSettings.class).values());
    shared.addAll(
        ClassScan.classesOf(dev.maestro.policy.onnx.OnnxLearnedPolicySource.class).values());
    sharedEnvNames = ClassScan.envNames(shared);
  }

  // ---------------------------------------------------------------- AWS: functions and handlers

  @Test
  void
      everyLambdaHandlerInTerraformIsAHandlerClassOfTheCodeAndEveryHandlerClassIsDeployed_staticOnly()
          throws Exception {
    Map<String, JsonNode> functions = lambdaFunctions();
    var deployed = new TreeSet<String>();
    for (var e : functions.entrySet()) {
      String handler = text(e.getValue().get("handler"));
      assertThat(handler).as(e.getKey()).endsWith("::handleRequest");
      String className = handler.substring(0, handler.indexOf("::"));
      Class<?> type = Class.forName(className);
      assertThat(
              RequestHandler.class.isAssignableFrom(type)
                  || RequestStreamHandler.class.isAssignableFrom(type))
          .as("%s implements a Lambda handler", className)
          .isTrue();
      assertThat(Modifier.isAbstract(type.getModifiers())).as(className).isFalse();
      assertThat(type.getConstructor())
          .as("%s has a public no-argument constructor", className)
          .isNotNull();
      deployed.add(className);
    }
    var handlerClasses = new TreeSet<String>();
    for (String name : awsClasses.keySet()) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) continue;
      if (RequestHandler.class.isAssignableFrom(type)
          || RequestStreamHandler.class.isAssignableFrom(type)) {
        handlerClasses.add(type.getName());
      }
    }
    assertThat(deployed).isEqualTo(handlerClasses);
  }

  @Test
  void lambdaFunctionsUseTheGroupPackagesTheBuildDeclares_staticOnly() throws IOException {
    // functions-aws/src/lambda/<group>.properties: name=Class::handleRequest per group.
    var declared = new TreeMap<String, String>();
    try (Stream<Path> files = Files.list(ROOT.resolve("functions-aws/src/lambda"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
        var props = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
          props.load(in);
        }
        String group = props.getProperty("group");
        for (String key : props.stringPropertyNames()) {
          if (!key.equals("group")) declared.put(key, group + " " + props.getProperty(key));
        }
      }
    }
    var terraformed = new TreeMap<String, String>();
    lambdaFunctions()
        .forEach(
            (name, f) ->
                terraformed.put(name, text(f.get("group")) + " " + text(f.get("handler"))));
    assertThat(terraformed).isEqualTo(declared);
    String main = Files.readString(AWS.resolve("modules/functions/main.tf"));
    assertThat(main).contains("maestro-aws-${each.value.group}.zip", "maestro-aws-layer.zip");
    JsonNode function = resources("modules/functions/main.tf", "aws_lambda_function").get("this");
    assertThat(text(function.get("runtime"))).isEqualTo("java21");
    assertThat(text(function.get("handler"))).isEqualTo("${each.value.handler}");
    assertThat(text(function.get("snap_start").get(0).get("apply_on")))
        .isEqualTo("PublishedVersions");
  }

  @Test
  void rankerImageCommandIsTheDockerfilesHandlerClass_sourceLevelOnly() throws IOException {
    // ranker-container is not on eval's class path: its class is checked in the source.
    JsonNode ranker = resources("modules/ranker/main.tf", "aws_lambda_function").get("ranker");
    assertThat(text(ranker.get("package_type"))).isEqualTo("Image");
    String command = text(ranker.get("image_config").get(0).get("command").get(0));
    String dockerfile = Files.readString(ROOT.resolve("ranker-container/Dockerfile"));
    assertThat(dockerfile).contains("CMD [\"" + command + "\"]");
    String className = command.substring(0, command.indexOf("::"));
    Path source =
        ROOT.resolve("ranker-container/src/main/java/" + className.replace('.', '/') + ".java");
    assertThat(Files.readString(source)).contains("extends MicronautRequestHandler<");
    assertThat(resources("modules/ranker/main.tf", "aws_lambda_provisioned_concurrency_config"))
        .containsKey("live");
    assertThat(
            resources("modules/ranker/main.tf", "aws_lambda_function")
                .get("ranker")
                .has("snap_start"))
        .as("container images do not support SnapStart")
        .isFalse();
  }

  // ---------------------------------------------------------------- AWS: tables

  @Test
  @SuppressWarnings("unchecked")
  void dynamoTablesAreExactlyTheCodesTablesWithTheirKeysIndexesStreamsAndTtl_staticOnly()
      throws Exception {
    Method requests = DynamoSchema.class.getDeclaredMethod("requests", DynamoTables.class);
    requests.setAccessible(true);
    var code = (List<CreateTableRequest>) requests.invoke(null, new DynamoTables(""));
    var declared = new TreeMap<String, JsonNode>();
    resources("modules/tables/main.tf", "aws_dynamodb_table")
        .forEach(
            (sym, t) -> {
              String name = text(t.get("name"));
              assertThat(name).startsWith("${var.table_prefix}");
              declared.put(name.substring("${var.table_prefix}".length()), t);
            });
    assertThat(declared.keySet())
        .containsExactlyInAnyOrderElementsOf(
            code.stream().map(CreateTableRequest::tableName).toList());
    var ttl =
        Map.of(
            new DynamoTables("").deadLetters(), DynamoSchema.DEAD_LETTER_TTL,
            new DynamoTables("").budget(), DynamoBudgetLedger.TTL_ATTRIBUTE);
    for (CreateTableRequest table : code) {
      JsonNode t = declared.get(table.tableName());
      String name = table.tableName();
      assertThat(text(t.get("billing_mode"))).as(name).isEqualTo(table.billingModeAsString());
      for (var key : table.keySchema()) {
        String attr = key.keyTypeAsString().equals("HASH") ? "hash_key" : "range_key";
        assertThat(text(t.get(attr))).as(name + " " + attr).isEqualTo(key.attributeName());
      }
      if (table.keySchema().size() == 1) assertThat(t.has("range_key")).as(name).isFalse();
      var attributes = new TreeMap<String, String>();
      for (JsonNode a : t.get("attribute"))
        attributes.put(text(a.get("name")), text(a.get("type")));
      var codeAttributes = new TreeMap<String, String>();
      table
          .attributeDefinitions()
          .forEach(a -> codeAttributes.put(a.attributeName(), a.attributeTypeAsString()));
      assertThat(attributes).as(name + " attributes").isEqualTo(codeAttributes);
      var indexes = new TreeMap<String, String>();
      if (t.has("global_secondary_index")) {
        for (JsonNode g : t.get("global_secondary_index")) {
          indexes.put(
              text(g.get("name")),
              text(g.get("hash_key"))
                  + "/"
                  + text(g.get("range_key"))
                  + "/"
                  + text(g.get("projection_type")));
        }
      }
      var codeIndexes = new TreeMap<String, String>();
      table
          .globalSecondaryIndexes()
          .forEach(
              g ->
                  codeIndexes.put(
                      g.indexName(),
                      g.keySchema().get(0).attributeName()
                          + "/"
                          + g.keySchema().get(1).attributeName()
                          + "/"
                          + g.projection().projectionTypeAsString()));
      assertThat(indexes).as(name + " indexes").isEqualTo(codeIndexes);
      boolean streamed =
          table.streamSpecification() != null && table.streamSpecification().streamEnabled();
      assertThat(t.has("stream_enabled") && t.get("stream_enabled").asBoolean())
          .as(name + " stream")
          .isEqualTo(streamed);
      if (streamed) {
        assertThat(text(t.get("stream_view_type")))
            .isEqualTo(table.streamSpecification().streamViewTypeAsString());
      }
      assertThat(t.has("ttl") ? text(t.get("ttl").get(0).get("attribute_name")) : null)
          .as(name + " TTL")
          .isEqualTo(ttl.get(name));
      assertThat(t.get("point_in_time_recovery").get(0).get("enabled").asBoolean())
          .as(name + " point-in-time recovery")
          .isTrue();
    }
  }

  // ---------------------------------------------------------------- AWS: environment

  @Test
  void everyLambdaVariableIsReadByTheCodeAndEveryRequiredOneIsSet_staticAndConfigParsersOnly()
      throws IOException {
    Set<String> readable = new TreeSet<>(ClassScan.envNames(awsClasses.values()));
    readable.addAll(sharedEnvNames);
    var required = requiredNames(ROOT.resolve("functions-aws/src/main/java"));
    var everywhere = new TreeSet<String>();
    for (var e : lambdaEnvironments().entrySet()) {
      String function = e.getKey();
      Map<String, String> env = e.getValue();
      everywhere.addAll(env.keySet());
      for (String name : env.keySet()) {
        assertThat(readable.contains(name) || AWS_PLATFORM_SETTINGS.contains(name))
            .as("%s sets %s, which no code reads", function, name)
            .isTrue();
      }
      String handlerSource = handlerSourceFile(lambdaFunctions().get(function));
      var needed = new TreeSet<String>();
      required.forEach(
          (file, names) -> {
            boolean shared = file.endsWith("AwsRuntime.java");
            boolean scheduler =
                file.endsWith("CloudSchedulerConfig.java") || file.endsWith("AwsSchedulers.java");
            if (shared
                || file.equals(handlerSource)
                || (scheduler && env.containsKey("MAESTRO_TICK_STATE_MACHINE_ARN"))) {
              needed.addAll(names);
            }
          });
      needed.remove("AWS_REGION"); // set by Lambda
      assertThat(env.keySet()).as("%s's required variables", function).containsAll(needed);
      // The code's own parsers accept the values (defaults of the variables, placeholders for
      // references).
      if (env.containsKey("MAESTRO_TICK_STATE_MACHINE_ARN")) {
        assertThatCode(() -> CloudSchedulerConfig.fromEnv(env))
            .as(function)
            .doesNotThrowAnyException();
      }
      assertThatCode(() -> new DynamoTables(env.get("MAESTRO_TABLE_PREFIX")))
          .doesNotThrowAnyException();
      if (env.containsKey("MAESTRO_LEASE_TTL")) {
        assertThat(java.time.Duration.parse(env.get("MAESTRO_LEASE_TTL")))
            .as("the lease outlives the tick functions' timeout")
            .isGreaterThan(
                java.time.Duration.ofSeconds(
                    lambdaFunctions().get(function).get("timeout").asLong()));
      }
    }
    var unset = new TreeSet<>(readable);
    unset.removeAll(everywhere);
    unset.removeAll(AWS_OPTIONAL);
    unset.removeIf(n -> n.startsWith("MAESTRO_FOUNDRY_") || n.equals("AZURE_CLIENT_ID"));
    unset.removeIf(n -> n.startsWith("MAESTRO_FIELD_") || n.startsWith("MAESTRO_RERANK"));
    assertThat(unset)
        .as("variables the AWS code reads that no function sets nor is optional")
        .isEmpty();
  }

  // ---------------------------------------------------------------- AWS: tick

  @Test
  void tickStateMachineIsExpressFromTheRepositorysAslFile_templateVariablesMatch_notDeployed()
      throws IOException {
    JsonNode machine = resources("modules/tick/main.tf", "aws_sfn_state_machine").get("tick");
    assertThat(text(machine.get("type"))).isEqualTo("EXPRESS");
    assertThat(machine.get("logging_configuration")).isNotNull();
    String definition = text(machine.get("definition"));
    assertThat(definition).startsWith("${templatefile(var.definition_file, {");
    JsonNode tick = module("examples/complete/main.tf", "tick");
    String file = text(tick.get("definition_file"));
    String resolved =
        file.replace("${local.repo_root}", "${path.root}/../../../..")
            .replace("${path.root}", AWS.resolve("examples/complete").toString());
    Path asl = Path.of(resolved).normalize();
    assertThat(asl)
        .isEqualTo(ROOT.resolve("functions-aws/src/main/resources/statemachine/tick.asl.json"));
    String repoAsl = Files.readString(asl);
    try (InputStream in = ApiHandler.class.getResourceAsStream("/statemachine/tick.asl.json")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .as("the definition the code ships and tests (LocalStateMachine)")
          .isEqualTo(repoAsl);
    }
    var placeholders = new TreeSet<String>();
    Matcher m = Pattern.compile("\\$\\{([a-z_]+)}").matcher(repoAsl);
    while (m.find()) placeholders.add(m.group(1));
    var passed = new TreeSet<String>();
    Matcher p = Pattern.compile("(\\w+_function_arn)\\s*=").matcher(definition);
    while (p.find()) passed.add(p.group(1));
    assertThat(passed).isEqualTo(placeholders);
  }

  // ---------------------------------------------------------------- API routes

  @Test
  void apiRoutesInApiGatewayApimAndOpenApiEqualApiRouterRoutes_staticOnly() throws IOException {
    var code = new TreeMap<String, Boolean>();
    ApiRouter.routes().forEach(r -> code.put(r.method() + " " + r.path(), r.authenticated()));

    var gateway = new TreeMap<String, Boolean>();
    JsonNode routes = locals("modules/api/main.tf").get("routes");
    routes.fields().forEachRemaining(e -> gateway.put(e.getKey(), e.getValue().asBoolean()));
    assertThat(gateway).as("API Gateway routes").isEqualTo(code);
    JsonNode route = resources("modules/api/main.tf", "aws_apigatewayv2_route").get("this");
    assertThat(text(route.get("authorization_type")))
        .isEqualTo("${each.value ? \"JWT\" : \"NONE\"}");

    var apim = new TreeMap<String, Boolean>();
    for (Object op : list(var(AZURE.resolve("modules/apim.bicep"), "operations"))) {
      var o = map(op);
      apim.put(
          str(o.get("method")) + " " + str(o.get("urlTemplate")),
          expr(o.get("authenticated")).equals("true"));
    }
    assertThat(apim).as("API Management operations").isEqualTo(code);

    JsonNode openapi =
        JSON.readTree(
            ROOT.resolve("functions-core/src/main/resources/openapi/maestro-api.json").toFile());
    var documented = new TreeMap<String, Boolean>();
    boolean secureByDefault = openapi.has("security") && !openapi.get("security").isEmpty();
    openapi
        .get("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          if (!Set.of("get", "post", "put", "delete", "patch")
                              .contains(op.getKey())) return;
                          JsonNode security = op.getValue().get("security");
                          boolean authenticated =
                              security == null ? secureByDefault : !security.isEmpty();
                          documented.put(
                              op.getKey().toUpperCase() + " " + path.getKey(), authenticated);
                        }));
    assertThat(documented).as("OpenAPI document").isEqualTo(code);
  }

  // ---------------------------------------------------------------- Azure: functions

  @Test
  void everyAzureFunctionNameHasItsTriggerResourcesAndBicepListsNoOther_staticOnly()
      throws Exception {
    var code = new TreeMap<String, String>();
    var bindingSettings = new TreeSet<String>();
    var connections = new TreeSet<String>();
    for (String name : azureClasses.keySet()) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      for (Method method : type.getDeclaredMethods()) {
        FunctionName fn = method.getAnnotation(FunctionName.class);
        if (fn == null) continue;
        for (Annotation[] params : method.getParameterAnnotations()) {
          for (Annotation a : params) {
            String trigger = triggerOf(a);
            if (trigger == null) continue;
            code.put(fn.value(), trigger);
            for (Method attribute : a.annotationType().getDeclaredMethods()) {
              if (attribute.getReturnType() != String.class) continue;
              String value = (String) attribute.invoke(a);
              Matcher m = Pattern.compile("%([A-Za-z0-9_]+)%").matcher(value);
              while (m.find()) bindingSettings.add(m.group(1));
              if (attribute.getName().equals("connection") && !value.isEmpty())
                connections.add(value);
            }
          }
        }
      }
    }
    Path functionApp = AZURE.resolve("modules/functionApp.bicep");
    var listed = new TreeMap<String, String>();
    map(var(functionApp, "functionTriggers")).forEach((k, v) -> listed.put(k, str(v)));
    assertThat(listed).isEqualTo(code);

    Set<String> settings = map(var(functionApp, "appSettings")).keySet();
    // host.json's %...% settings (the Durable task hub) and the triggers' binding expressions.
    Matcher host =
        Pattern.compile("%([A-Za-z0-9_]+)%")
            .matcher(Files.readString(ROOT.resolve("functions-azure/host.json")));
    while (host.find()) bindingSettings.add(host.group(1));
    assertThat(settings).containsAll(bindingSettings);
    for (String connection : connections) {
      assertThat(
              settings.stream()
                  .anyMatch(s -> s.equals(connection) || s.startsWith(connection + "__")))
          .as("connection %s is configured", connection)
          .isTrue();
    }

    var triggers = new TreeSet<>(code.values());
    if (triggers.contains("httpTrigger")) {
      var api = resource(AZURE.resolve("modules/apim.bicep"), "api");
      assertThat(str(map(map(api.value()).get("properties")).get("serviceUrl")))
          .contains("${functionAppHostName}");
    }
    if (triggers.contains("orchestrationTrigger") || triggers.contains("activityTrigger")) {
      assertThat(settings).contains("MAESTRO_TASK_HUB", "AzureWebJobsStorage__accountName");
    }
    for (var e : code.entrySet()) {
      if (!e.getValue().equals("eventGridTrigger")) continue;
      var subscriptions =
          BicepReader.read(AZURE.resolve("modules/eventGridSubscription.bicep")).stream()
              .filter(
                  d ->
                      d.type() != null
                          && d.type().startsWith("Microsoft.EventGrid/topics/eventSubscriptions@"))
              .map(
                  d ->
                      str(
                          map(map(map(map(d.value()).get("properties")).get("destination"))
                                  .get("properties"))
                              .get("resourceId")))
              .toList();
      assertThat(subscriptions).contains("${functionAppId}/functions/" + e.getKey());
    }
    var messaging = types(AZURE.resolve("modules/messaging.bicep"));
    if (code.containsValue("serviceBusTrigger")) {
      assertThat(messaging)
          .contains(
              "Microsoft.ServiceBus/namespaces/queues",
              "Microsoft.ServiceBus/namespaces/topics",
              "Microsoft.ServiceBus/namespaces/topics/subscriptions");
    }
    if (code.containsValue("cosmosDBTrigger")) {
      assertThat(resource(AZURE.resolve("modules/cosmos.bicep"), "cdcLeases")).isNotNull();
    }
  }

  // ---------------------------------------------------------------- Azure: Cosmos DB

  @Test
  void cosmosContainersAreExactlyTheCodesContainersWithItsPartitionKey_staticOnly() {
    var containers = new CosmosContainers("maestro", "");
    var code = new TreeSet<>(containers.all());
    code.add(StreamContainers.subscriptions(containers));
    var declared = new TreeMap<String, String>();
    var ttl = new TreeSet<String>();
    for (Object c : list(var(AZURE.resolve("modules/cosmos.bicep"), "containers"))) {
      var m = map(c);
      String name = str(m.get("name")).replace("${containerPrefix}", "");
      declared.put(name, str(m.get("partitionKey")));
      if (expr(m.get("ttl")).equals("true")) ttl.add(name);
    }
    assertThat(declared.keySet()).isEqualTo(code);
    assertThat(new TreeSet<>(declared.values())).containsExactly(CosmosSchema.PARTITION_KEY_PATH);
    assertThat(ttl).as("per-item TTL as CosmosSchema sets it").containsExactly(containers.budget());
    var loop = (Loop) resource(AZURE.resolve("modules/cosmos.bicep"), "substrate").value();
    assertThat(loop.header()).isEqualTo("c in containers");
  }

  // ---------------------------------------------------------------- Azure: settings

  @Test
  void
      everyAppSettingIsReadByTheCodeOrThePlatformAndEveryRequiredOneIsSet_noSecretsInSettings_staticOnly()
          throws IOException {
    Set<String> readable = new TreeSet<>(ClassScan.envNames(azureClasses.values()));
    readable.addAll(sharedEnvNames);
    // host.json reads settings too (the Durable task hub's name).
    Matcher host =
        Pattern.compile("%([A-Za-z0-9_]+)%")
            .matcher(Files.readString(ROOT.resolve("functions-azure/host.json")));
    while (host.find()) readable.add(host.group(1));
    Map<String, Object> settings =
        map(var(AZURE.resolve("modules/functionApp.bicep"), "appSettings"));
    var names = new TreeSet<String>();
    for (var e : settings.entrySet()) {
      String name = e.getKey();
      String base = name.contains("__") ? name.substring(0, name.indexOf("__")) : name;
      names.add(base);
      assertThat(readable.contains(base) || AZURE_PLATFORM_SETTINGS.contains(base))
          .as("app setting %s, which no code or platform component reads", name)
          .isTrue();
      String value = e.getValue() instanceof Str s ? s.template() : expr(e.getValue());
      assertThat(value).as(name).doesNotContain("listKeys(", "AccountKey=", "SharedAccessKey=");
    }
    var required = new TreeSet<String>();
    requiredNames(ROOT.resolve("functions-azure/src/main/java")).values().forEach(required::addAll);
    // StreamResources: MAESTRO_STORAGE_CONNECTION, else AzureWebJobsStorage as a connection string.
    if (names.contains("MAESTRO_STORAGE_CONNECTION")) required.remove("AzureWebJobsStorage");
    // FoundrySettings' endpoint is required only where the Foundry provider is built; it is set
    // (possibly blank) and the provider is not wired into a function yet.
    assertThat(names).containsAll(required);
    // The two secrets the code still needs come from Key Vault references, never literal values.
    for (String secret : List.of("MAESTRO_COSMOS_KEY", "MAESTRO_STORAGE_CONNECTION")) {
      assertThat(expr(settings.get(secret))).endsWith("Reference");
    }
    for (Decl d : BicepReader.read(AZURE.resolve("modules/secrets.bicep"))) {
      if (d.kind().equals("output"))
        assertThat(str(d.value())).startsWith("@Microsoft.KeyVault(SecretUri=");
    }
    var unset = new TreeSet<>(readable);
    unset.removeAll(names);
    unset.removeAll(AZURE_OPTIONAL);
    unset.removeIf(n -> n.startsWith("MAESTRO_FIELD_") || n.startsWith("MAESTRO_RERANK"));
    assertThat(unset)
        .as("settings the Azure code reads that Bicep neither sets nor lists as optional")
        .isEmpty();
  }

  @Test
  void dashboardsAreTheRepositorysFilesReferencedFromTheIac_notRendered() throws IOException {
    JsonNode obs = module("examples/complete/main.tf", "observability");
    assertThat(text(obs.get("dashboard_file")))
        .endsWith("/infra/aws/dashboards/maestro-cloudwatch.json");
    assertThat(Files.readString(AWS.resolve("modules/observability/main.tf")))
        .contains("file(var.dashboard_file)");
    String monitoring = Files.readString(AZURE.resolve("modules/monitoring.bicep"));
    Matcher m = Pattern.compile("loadTextContent\\('([^']+)'\\)").matcher(monitoring);
    assertThat(m.find()).isTrue();
    assertThat(AZURE.resolve("modules").resolve(m.group(1)).normalize())
        .isEqualTo(AZURE.resolve("workbooks/maestro-workbook.json"))
        .exists();
  }

  // ---------------------------------------------------------------- helpers

  private static String triggerOf(Annotation a) {
    return switch (a.annotationType().getSimpleName()) {
      case "HttpTrigger" -> "httpTrigger";
      case "DurableOrchestrationTrigger" -> "orchestrationTrigger";
      case "DurableActivityTrigger" -> "activityTrigger";
      case "EventGridTrigger" -> "eventGridTrigger";
      case "ServiceBusQueueTrigger", "ServiceBusTopicTrigger" -> "serviceBusTrigger";
      case "CosmosDBTrigger" -> "cosmosDBTrigger";
      case "TimerTrigger" -> "timerTrigger";
      case "QueueTrigger" -> "queueTrigger";
      case "BlobTrigger" -> "blobTrigger";
      default -> null;
    };
  }

  /** Required variables by source file: {@code required(env, "X"...)} / {@code requiredEnv("X"}. */
  private static Map<String, Set<String>> requiredNames(Path sources) throws IOException {
    var pattern =
        Pattern.compile("required(?:Env)?\\(\\s*(?:env\\s*,\\s*)?\"([A-Za-z][A-Za-z0-9_]*)\"");
    var out = new TreeMap<String, Set<String>>();
    try (Stream<Path> walk = Files.walk(sources)) {
      for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = pattern.matcher(Files.readString(f));
        while (m.find()) out.computeIfAbsent(f.toString(), k -> new TreeSet<>()).add(m.group(1));
      }
    }
    return out;
  }

  private static String handlerSourceFile(JsonNode function) {
    String handler = text(function.get("handler"));
    String outer = handler.substring(0, handler.indexOf("::")).replaceAll("\\$.*", "");
    return ROOT.resolve("functions-aws/src/main/java/" + outer.replace('.', '/') + ".java")
        .toString();
  }

  private static Map<String, JsonNode> lambdaFunctions() {
    var out = new TreeMap<String, JsonNode>();
    locals("modules/functions/main.tf")
        .get("functions")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** Each function's environment: the merge of its env_sets, references resolved to defaults. */
  private static Map<String, Map<String, String>> lambdaEnvironments() {
    JsonNode sets = locals("modules/functions/main.tf").get("env_sets");
    Map<String, String> defaults = variableDefaults("modules/functions/variables.tf");
    var out = new TreeMap<String, Map<String, String>>();
    lambdaFunctions()
        .forEach(
            (name, f) -> {
              var env = new LinkedHashMap<String, String>();
              for (JsonNode set : f.get("env_sets")) {
                JsonNode vars = sets.get(text(set));
                assertThat(vars).as("env set %s of %s", text(set), name).isNotNull();
                vars.fields()
                    .forEachRemaining(
                        v -> env.put(v.getKey(), resolve(text(v.getValue()), defaults)));
              }
              out.put(name, env);
            });
    return out;
  }

  private static String resolve(String value, Map<String, String> defaults) {
    Matcher m = Pattern.compile("^\\$\\{var\\.([a-z_]+)}$").matcher(value);
    if (!m.matches()) return value;
    String d = defaults.get(m.group(1));
    return d != null ? d : "placeholder-" + m.group(1);
  }

  private static Map<String, String> variableDefaults(String file) {
    var out = new HashMap<String, String>();
    JsonNode vars = tf(file).get("variable");
    vars.fields()
        .forEachRemaining(
            e -> {
              JsonNode d = e.getValue().get(0).get("default");
              if (d != null && d.isValueNode() && !d.isNull()) out.put(e.getKey(), d.asText());
            });
    return out;
  }

  private static JsonNode tf(String file) {
    JsonNode node = terraform.get(AWS.resolve(file));
    assertThat(node).as(file).isNotNull();
    return node;
  }

  private static JsonNode locals(String file) {
    return tf(file).get("locals").get(0);
  }

  private static Map<String, JsonNode> resources(String file, String type) {
    var out = new TreeMap<String, JsonNode>();
    JsonNode byType = tf(file).get("resource").get(type);
    if (byType != null)
      byType.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().get(0)));
    return out;
  }

  private static JsonNode module(String file, String name) {
    return tf(file).get("module").get(name).get(0);
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static Object var(Path file, String name) {
    return BicepReader.read(file).stream()
        .filter(d -> d.kind().equals("var") && d.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(file + " declares no var " + name))
        .value();
  }

  private static Decl resource(Path file, String symbol) {
    return BicepReader.read(file).stream()
        .filter(d -> d.kind().equals("resource") && d.name().equals(symbol))
        .findFirst()
        .orElseThrow(() -> new AssertionError(file + " declares no resource " + symbol));
  }

  private static Set<String> types(Path file) {
    var out = new TreeSet<String>();
    for (Decl d : BicepReader.read(file)) {
      if (d.kind().equals("resource")) out.add(d.type().substring(0, d.type().indexOf('@')));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  private static String str(Object o) {
    assertThat(o).isInstanceOf(Str.class);
    return ((Str) o).template();
  }

  private static String expr(Object o) {
    assertThat(o).isInstanceOf(BicepReader.Expr.class);
    return ((BicepReader.Expr) o).text();
  }
}
