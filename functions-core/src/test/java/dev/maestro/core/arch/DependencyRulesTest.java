package dev.maestro.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.wake.WakeCondition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of BRIEF §3 and the core's layering, checked against the compiled production
 * classes of {@code functions-core}: the core is pure Java (no cloud SDK, no JDBC), and the domain
 * packages know nothing of the tick engine or the API that drive them.
 */
class DependencyRulesTest {

  private static final String CORE = "dev.maestro.core..";
  private static final String[] DOMAIN = {
    "dev.maestro.core.continuation..",
    "dev.maestro.core.event..",
    "dev.maestro.core.wake..",
    "dev.maestro.core.budget..",
    "dev.maestro.core.lease.."
  };

  private static JavaClasses core;

  @BeforeAll
  static void importTheProductionClasses() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.maestro.core");
  }

  @Test
  void givenTheImport_whenInspected_thenItHoldsTheRealCoreClasses() {
    assertThat(core.contain(ContinuationFold.class)).isTrue();
    assertThat(core.contain(EventEnvelope.class)).isTrue();
    assertThat(core.contain(WakeCondition.class)).isTrue();
    assertThat(core.contain(Json.class)).isTrue();
    assertThat(core.contain(TickEngine.class)).isTrue();
    assertThat(core.stream().map(c -> c.getPackageName()).distinct())
        .contains(
            "dev.maestro.core.continuation",
            "dev.maestro.core.event",
            "dev.maestro.core.wake",
            "dev.maestro.core.budget",
            "dev.maestro.core.lease");
    assertThat(
            core.stream()
                .filter(c -> c.getName().endsWith("Test") || c.getName().endsWith("Contract")))
        .as("test classes are not part of the rule's subject")
        .isEmpty();
  }

  @Test
  void givenADependencyTheCoreReallyHas_whenAProbeRuleForbidsIt_thenTheProbeFails() {
    ArchRule probe =
        noClasses()
            .that()
            .resideInAPackage("dev.maestro.core.tick..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.maestro.core.continuation..");

    assertThatThrownBy(() -> probe.check(core)).isInstanceOf(AssertionError.class);
  }

  @Test
  void givenTheCore_whenItsDependenciesAreChecked_thenNoneIsACloudSdk() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage(CORE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "software.amazon..", "com.amazonaws..", "com.azure..", "com.microsoft.azure..")
            .because("BRIEF §3.2: functions-core is pure Java; cloud specifics stay in adapters")
            .allowEmptyShould(false);

    rule.check(core);
  }

  @Test
  void givenTheCore_whenItsDependenciesAreChecked_thenNoneIsJdbc() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage(CORE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "javax.sql..")
            .because("storage is behind the substrate ports; JDBC belongs to an adapter")
            .allowEmptyShould(false);

    rule.check(core);
  }

  @Test
  void
      givenTheDomainPackages_whenTheirDependenciesAreChecked_thenNoneReachesTheTickEngineOrTheApi() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAnyPackage(DOMAIN)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.maestro.core.tick..", "dev.maestro.core.api..")
            .because(
                "the domain is driven by the tick engine and the API, never the other way round")
            .allowEmptyShould(false);

    rule.check(core);
  }
}
