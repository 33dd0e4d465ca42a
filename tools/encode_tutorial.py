"""Encode the PPO tutorial (data/source/ppo-roles-tutorial.txt) as Turtle under data/.

The verbatim text comes from the source file; everything editorial (which entity a phrase names,
how a duty touches an artefact, the themes, the interfaces and the defects) is in the tables below,
each rule anchored on a phrase of the text, so that every link is supported by the words it cites.
Every rule must fire at least once: a rule that no longer matches is an error, not a silent gap.

Usage:
    python tools/encode_tutorial.py            # rewrite data/*.ttl and ontology/themes.ttl
    python tools/encode_tutorial.py --check    # exit 1 if the committed files are out of date
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SKOS

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "source" / "ppo-roles-tutorial.txt"
PPO = Namespace("https://w3id.org/ppo-graph/ontology#")
PPOD = Namespace("https://w3id.org/ppo-graph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
EN = "en"

HEADING = re.compile(r"^(7\.\d+) (.+)$", re.MULTILINE)

# ---------------------------------------------------------------------------
# Roles: one per section, two in 7.14 (owner and manager under sub-headings)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleSpec:
    key: str
    section: str
    label: str
    classes: tuple[str, ...]
    specialises: str | None = None
    owns: str | None = None
    manages: str | None = None
    subheading: str | None = None  # 7.14 only: "Process Owner" / "Process manager"
    definition: str = ""


GENERIC_STATED = (
    "The tutorial states the specialisation: the role's first duty is to carry out the generic "
    "{kind} role."
)
GENERIC_ASSUMED = (
    "The tutorial does not say so for this role (it does for Demand Management and for every "
    "process manager); following ITIL, every process-specific owner specialises the generic "
    "process owner."
)

ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        "ProcessOwner",
        "7.3",
        "Process Owner",
        ("GenericRole", "ProcessOwnerRole"),
        definition="The generic role accountable for a process: its design, documentation, "
        "KPIs, improvement and the training of the staff who run it.",
    ),
    RoleSpec(
        "ProcessManager",
        "7.4",
        "Process Manager",
        ("GenericRole", "ProcessManagerRole"),
        definition="The generic role that plans, coordinates, resources, monitors and "
        "reports on a process's activities.",
    ),
    RoleSpec(
        "ProcessPractitioner",
        "7.5",
        "Process Practitioner",
        ("GenericRole", "ProcessPractitionerRole"),
        definition="The generic role that carries out one or more activities of a process.",
    ),
    RoleSpec(
        "CapacityManagementProcessOwner",
        "7.6",
        "Capacity Management Process Owner",
        ("ProcessOwnerRole",),
        "ProcessOwner",
        owns="CapacityManagement",
    ),
    RoleSpec(
        "CapacityManagementProcessManager",
        "7.7",
        "Capacity Management Process Manager",
        ("ProcessManagerRole",),
        "ProcessManager",
        manages="CapacityManagement",
    ),
    RoleSpec(
        "AvailabilityManagementProcessOwner",
        "7.8",
        "Availability Management Process Owner",
        ("ProcessOwnerRole",),
        "ProcessOwner",
        owns="AvailabilityManagement",
    ),
    RoleSpec(
        "AvailabilityManagementProcessManager",
        "7.9",
        "Availability Management Process Manager",
        ("ProcessManagerRole",),
        "ProcessManager",
        manages="AvailabilityManagement",
    ),
    RoleSpec(
        "ITServiceContinuityManagementProcessOwner",
        "7.10",
        "IT Service Continuity Management Process Owner",
        ("ProcessOwnerRole",),
        "ProcessOwner",
        owns="ITServiceContinuityManagement",
    ),
    RoleSpec(
        "ITServiceContinuityManagementProcessManager",
        "7.11",
        "IT Service Continuity Management Process Manager",
        ("ProcessManagerRole",),
        "ProcessManager",
        manages="ITServiceContinuityManagement",
    ),
    RoleSpec(
        "InformationSecurityManagementProcessOwner",
        "7.12",
        "Information Security Management Process Owner",
        ("ProcessOwnerRole",),
        "ProcessOwner",
        owns="InformationSecurityManagement",
    ),
    RoleSpec(
        "InformationSecurityManagementProcessManager",
        "7.13",
        "Information Security Management Process Manager",
        ("ProcessManagerRole",),
        "ProcessManager",
        manages="InformationSecurityManagement",
    ),
    RoleSpec(
        "DemandManagementProcessOwner",
        "7.14",
        "Demand Management Process Owner",
        ("ProcessOwnerRole",),
        "ProcessOwner",
        owns="DemandManagement",
        subheading="Process Owner",
    ),
    RoleSpec(
        "DemandManagementProcessManager",
        "7.14",
        "Demand Management Process Manager",
        ("ProcessManagerRole",),
        "ProcessManager",
        manages="DemandManagement",
        subheading="Process manager",
    ),
)

#: The narrative that follows the last bullet of each role section (not part of any duty).
TRAILERS = {
    "7.3": ". Next, let us look at the Process manager role in the next slide.",
    "7.4": ". In the next slide we will look at the role of a process practitioner.",
    "7.5": ". Moving on, let us understand the responsibilities of Capacity management process "
    "owner in the next slide.",
    "7.6": ". Similarly let us not look at the responsibilities of Capacity management process "
    "manager in the next slide.",
    "7.7": ". Next, we will discuss about the role of an Availability management process owner.",
    "7.8": ". In the next slide we will talk about the responsibilities of availability "
    "management process manager.",
    "7.9": ". The next role we will be discussing about is that of a IT Service Continuity "
    "manager.",
    "7.10": " Let us now proceed to discuss about the responsibilities of the continuity "
    "management process manager.",
    "7.11": " In the next slide let us look at the responsibilities of the Security management "
    "process owner.",
    "7.12": ". Next, are the responsibilities of an Information security management process "
    "manager.",
    "7.13": " In the next slide we will discuss about the roles and responsibilities for Demand "
    "management.",
    "7.14": " We have come to the end of learning unit 7, let us recap in the next slide.",
}

# ---------------------------------------------------------------------------
# Things the duties mention
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Thing:
    key: str
    kind: str  # "process", "ppo-process", "party", "body", "function", "external-role", artefact class
    label: str
    definition: str
    abbreviation: str | None = None
    of_process: str | None = None  # body: partOfProcess; external role: roleOfProcess;
    # artefact: ownedByProcess


PROCESSES: tuple[Thing, ...] = (
    Thing(
        "CapacityManagement",
        "ppo-process",
        "Capacity Management",
        "The process responsible for ensuring that the capacity of IT services and the IT "
        "infrastructure meets agreed current and future capacity and performance needs in a "
        "cost-effective and timely manner.",
    ),
    Thing(
        "AvailabilityManagement",
        "ppo-process",
        "Availability Management",
        "The process responsible for ensuring that IT services meet the current and future "
        "availability needs of the business in a cost-effective and timely manner.",
    ),
    Thing(
        "ITServiceContinuityManagement",
        "ppo-process",
        "IT Service Continuity Management",
        "The process responsible for managing risks that could seriously affect IT services, "
        "so that the IT service provider can always provide minimum agreed service levels.",
        "ITSCM",
    ),
    Thing(
        "InformationSecurityManagement",
        "ppo-process",
        "Information Security Management",
        "The process responsible for ensuring that the confidentiality, integrity and "
        "availability of an organization's assets, information, data and IT services match "
        "the agreed needs of the business.",
        "ISM",
    ),
    Thing(
        "DemandManagement",
        "ppo-process",
        "Demand Management",
        "The process responsible for understanding, anticipating and influencing customer "
        "demand for services, working with capacity management to ensure the service "
        "provider has capacity to meet it.",
    ),
    Thing(
        "ServiceLevelManagement",
        "process",
        "Service Level Management",
        "The process responsible for negotiating achievable service level agreements and "
        "ensuring that they are met.",
        "SLM",
    ),
    Thing(
        "ChangeManagement",
        "process",
        "Change Management",
        "The process responsible for controlling the lifecycle of all changes, enabling "
        "beneficial changes to be made with minimum disruption to IT services.",
    ),
    Thing(
        "IncidentManagement",
        "process",
        "Incident Management",
        "The process responsible for managing the lifecycle of all incidents, restoring normal "
        "service operation as quickly as possible.",
    ),
    Thing(
        "ProblemManagement",
        "process",
        "Problem Management",
        "The process responsible for managing the lifecycle of all problems, preventing "
        "incidents and minimising the impact of those that cannot be prevented.",
    ),
    Thing(
        "FinancialManagementForITServices",
        "process",
        "Financial Management for IT Services",
        "The process responsible for managing an IT service provider's budgeting, accounting "
        "and charging requirements.",
    ),
    Thing(
        "ContinualServiceImprovement",
        "process",
        "Continual Service Improvement",
        "The lifecycle stage and practice that identifies and implements improvements to IT "
        "services and the processes that support them, recorded in the CSI register.",
        "CSI",
    ),
    Thing(
        "BusinessContinuityManagement",
        "process",
        "Business Continuity Management",
        "The business process responsible for managing risks that could seriously affect the "
        "business; IT service continuity management supports it.",
        "BCM",
    ),
    Thing(
        "EventManagement",
        "process",
        "Event Management",
        "The process responsible for managing events throughout their lifecycle, including "
        "the automatic monitoring of IT components.",
    ),
    Thing(
        "OrganizationalSecurityManagement",
        "process",
        "Organizational Security Management",
        "The business's security management, of which information security management is the "
        "IT part; it covers security beyond IT (physical, personnel, legal).",
    ),
    Thing(
        "ServiceAssetAndConfigurationManagement",
        "process",
        "Service Asset and Configuration Management",
        "The process responsible for ensuring that the assets required to deliver services are "
        "controlled, and that information about them (configuration items) is accurate.",
        "SACM",
    ),
)

PARTIES: tuple[Thing, ...] = (
    Thing(
        "ChangeAdvisoryBoard",
        "body",
        "Change Advisory Board",
        "The body that assesses, prioritises and authorises changes on behalf of change "
        "management; the tutorial's roles attend its meetings when appropriate.",
        "CAB",
        "ChangeManagement",
    ),
    Thing(
        "ITServicesFunction",
        "function",
        "IT services function",
        "The IT organisation as a whole, which IT service continuity management represents "
        "within business continuity management.",
    ),
    Thing(
        "ITServiceAreas",
        "party",
        "IT service areas",
        "The parts of the IT organisation that must be prepared to respond to an invocation of "
        "the continuity plans.",
    ),
    Thing(
        "TheBusiness",
        "party",
        "the business",
        "The customer organisation and its business areas, whose needs IT services serve.",
    ),
    Thing(
        "BusinessUsers",
        "party",
        "business users",
        "People in the business who use IT services and express capacity requirements.",
    ),
    Thing("Users", "party", "users", "People who use IT services day to day."),
    Thing("Customers", "party", "customers", "People who buy IT services and agree their targets."),
    Thing(
        "SeniorITManagement",
        "party",
        "senior IT management",
        "The IT organisation's senior managers, who are advised on capacity and endorse the "
        "security policy.",
    ),
    Thing(
        "SeniorBusinessManagement",
        "party",
        "senior business management",
        "The business's senior managers, who endorse the information security policy.",
    ),
    Thing(
        "ITManagement",
        "party",
        "IT management",
        "The IT organisation's managers, to whom capacity management makes recommendations.",
    ),
    Thing(
        "LineManagement",
        "party",
        "line management",
        "The managers of the staff who work in a process, who provide its staff resources.",
    ),
    Thing(
        "Suppliers",
        "party",
        "suppliers",
        "Internal and external suppliers of components and services.",
    ),
    Thing(
        "ExternalPartners",
        "party",
        "external partners",
        "Organisations outside the service provider that access its services.",
    ),
    Thing(
        "ThirdPartyRecoveryProviders",
        "party",
        "providers of third-party recovery services",
        "Organisations contracted to provide recovery facilities and services.",
    ),
)

EXTERNAL_ROLES: tuple[Thing, ...] = (
    Thing(
        "ServiceLevelManager",
        "external-role",
        "Service Level Manager",
        "The process manager of service level management.",
        None,
        "ServiceLevelManagement",
    ),
    Thing(
        "CSIManager",
        "external-role",
        "CSI Manager",
        "The manager responsible for continual service improvement and its CSI register.",
        None,
        "ContinualServiceImprovement",
    ),
    Thing(
        "ServiceOwner",
        "external-role",
        "Service Owner",
        "The role accountable for the delivery of a specific IT service.",
    ),
)

ARTEFACTS: tuple[Thing, ...] = (
    Thing(
        "CapacityPlan",
        "Plan",
        "Capacity Plan",
        "The plan of current resource usage and forecast capacity requirements for the period "
        "it covers, reviewed in line with the business planning cycle.",
        None,
        "CapacityManagement",
    ),
    Thing(
        "CapacityManagementReports",
        "Report",
        "capacity management reports",
        "Regular management reports on the current usage of resources, trends and forecasts.",
        None,
        "CapacityManagement",
    ),
    Thing(
        "PerformanceReports",
        "Report",
        "performance reports",
        "Reports on service and component performance against the targets in SLAs.",
        None,
        "CapacityManagement",
    ),
    Thing(
        "AvailabilityPlan",
        "Plan",
        "Availability Plan",
        "The forward-looking plan aimed at improving the overall availability of IT services "
        "and infrastructure components.",
        None,
        "AvailabilityManagement",
    ),
    Thing(
        "AMIS",
        "InformationSystem",
        "Availability Management Information System",
        "The system holding the data and information availability management uses and produces.",
        "AMIS",
        "AvailabilityManagement",
    ),
    Thing(
        "AvailabilityReports",
        "Report",
        "IT availability reports",
        "The range of reports on the availability, reliability and maintainability achieved "
        "against SLA targets.",
        None,
        "AvailabilityManagement",
    ),
    Thing(
        "AvailabilityTestingSchedule",
        "Schedule",
        "availability testing schedule",
        "The schedule of tests for all availability mechanisms.",
        None,
        "AvailabilityManagement",
    ),
    Thing(
        "AvailabilityDesignCriteria",
        "Documentation",
        "availability and recovery design criteria",
        "Criteria to be applied to new or enhanced infrastructure design.",
        None,
        "AvailabilityManagement",
    ),
    Thing(
        "EventManagementSystems",
        "InformationSystem",
        "event management systems",
        "Systems for the automatic monitoring of the availability of IT components.",
        None,
        "EventManagement",
    ),
    Thing(
        "BusinessImpactAnalysis",
        "Analysis",
        "Business Impact Analysis",
        "The analysis of the impact on the business of losing each existing or new service.",
        "BIA",
        "ITServiceContinuityManagement",
    ),
    Thing(
        "ContinuityStrategy",
        "Strategy",
        "continuity strategy",
        "The organisation's strategy for keeping IT services running or recovering them.",
        None,
        "ITServiceContinuityManagement",
    ),
    Thing(
        "ServiceContinuityPlan",
        "Plan",
        "Service Continuity Plan",
        "The plan invoked when service continuity is threatened, covering fail-over to a "
        "secondary location and restoration to the primary location.",
        None,
        "ITServiceContinuityManagement",
    ),
    Thing(
        "ITSCMPlans",
        "Plan",
        "ITSCM plans",
        "The IT service continuity plans (also called continuity plans) that ensure the "
        "business's recovery objectives can be achieved.",
        None,
        "ITServiceContinuityManagement",
    ),
    Thing(
        "ITTestingSchedule",
        "Schedule",
        "IT testing schedule",
        "The comprehensive schedule of IT tests, including the tests of all continuity plans.",
        None,
        "ITServiceContinuityManagement",
    ),
    Thing(
        "ThirdPartyRecoveryContracts",
        "Agreement",
        "third-party recovery contracts",
        "Contracts with providers of third-party recovery services.",
        None,
        "ITServiceContinuityManagement",
    ),
    Thing(
        "BCMPlans",
        "Plan",
        "BCM plans",
        "The business continuity plans that the ITSCM plans must underpin and align with.",
        None,
        "BusinessContinuityManagement",
    ),
    Thing(
        "InformationSecurityPolicy",
        "Policy",
        "Information Security Policy",
        "The overall policy for information security, authorised and endorsed by senior IT "
        "and business management.",
        None,
        "InformationSecurityManagement",
    ),
    Thing(
        "SupportingSecurityPolicies",
        "Policy",
        "supporting security policies",
        "The supporting set of specific policies beneath the Information Security Policy.",
        None,
        "InformationSecurityManagement",
    ),
    Thing(
        "SecurityControls",
        "Control",
        "security controls",
        "The controls that protect services and information, designed, maintained, reviewed "
        "and audited by information security management.",
        None,
        "InformationSecurityManagement",
    ),
    Thing(
        "SecurityPlans",
        "Plan",
        "security plans",
        "Plans for implementing and operating information security.",
        None,
        "InformationSecurityManagement",
    ),
    Thing(
        "SecurityProcedures",
        "Documentation",
        "security procedures and documentation",
        "Documented procedures for operating and maintaining security controls, and the "
        "documentation of the controls.",
        None,
        "InformationSecurityManagement",
    ),
    Thing(
        "SecurityRiskAnalysis",
        "Analysis",
        "security risk analysis",
        "The analysis and assessment of security risks, done with availability and IT "
        "service continuity management.",
        None,
        "InformationSecurityManagement",
    ),
    Thing(
        "ContractualAgreements",
        "Agreement",
        "contractual agreements with partners and suppliers",
        "The contractual agreements and responsibilities to which all access to services by "
        "external partners and suppliers is subject.",
    ),
    Thing(
        "ConfigurationItems",
        "Asset",
        "configuration items",
        "IT and information assets under control, identified and classified by the level of "
        "protection they require.",
        "CI",
        "ServiceAssetAndConfigurationManagement",
    ),
    Thing(
        "PatternsOfBusinessActivity",
        "Analysis",
        "patterns of business activity",
        "Workload profiles of business activities used to understand and anticipate demand.",
        "PBA",
        "DemandManagement",
    ),
    Thing(
        "UserProfiles",
        "Analysis",
        "user profiles",
        "Profiles of service users, by their patterns of business activity.",
        None,
        "DemandManagement",
    ),
    Thing(
        "ServiceLevelAgreement",
        "Agreement",
        "Service Level Agreement",
        "An agreement between an IT service provider and a customer that sets the service "
        "level targets (availability, performance, security) for a service.",
        "SLA",
        "ServiceLevelManagement",
    ),
    Thing(
        "ServiceImprovementPlan",
        "Plan",
        "Service Improvement Plan",
        "The on-going plan for improvements to a process or IT service.",
        "SIP",
        "ContinualServiceImprovement",
    ),
    Thing(
        "CSIRegister",
        "Register",
        "CSI register",
        "The register of improvement opportunities, reviewed and prioritised with the CSI manager.",
        None,
        "ContinualServiceImprovement",
    ),
    Thing(
        "KeyPerformanceIndicators",
        "Measure",
        "Key Performance Indicators",
        "The metrics that evaluate the effectiveness and efficiency of a process.",
        "KPI",
    ),
    Thing(
        "ProcessDocumentation",
        "Documentation",
        "process documentation",
        "The documented and publicised description of a process, its roles and responsibilities.",
    ),
    Thing(
        "ProcessPerformanceReports",
        "Report",
        "process performance reports",
        "Reports on the performance of a process.",
    ),
    Thing(
        "ActivityRecords",
        "Documentation",
        "activity records",
        "Records showing that the activities of a process have been carried out correctly.",
    ),
    Thing(
        "BusinessPlans",
        "Plan",
        "business plans",
        "The business's plans, on which forecasts of capacity requirements are based.",
    ),
)

#: Phrases naming roles, processes and parties (case-insensitive); every rule must fire.
MENTION_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\bprocess owners?\b", ("ProcessOwner",)),
    (r"\bprocess managers?\b", ("ProcessManager",)),
    (r"\bservice owners\b", ("ServiceOwner",)),
    (r"\bCSI manager\b", ("CSIManager",)),
    (r"\bservice level manager\b", ("ServiceLevelManager",)),
    (r"\bcapacity management\b", ("CapacityManagement",)),
    (
        r"\bavailability management\b(?! information system)"
        r"|\bavailability(?= and IT service continuity management)",
        ("AvailabilityManagement",),
    ),
    (
        r"\bIT service continuity management\b(?! plans)|\bITSCM\b(?! plans)",
        ("ITServiceContinuityManagement",),
    ),
    (
        r"\binformation security management\b|\bsecurity(?= and IT service continuity management)",
        ("InformationSecurityManagement",),
    ),
    (r"\bdemand management\b", ("DemandManagement",)),
    (r"\bservice level management\b", ("ServiceLevelManagement",)),
    (r"\bfinancial management\b", ("FinancialManagementForITServices",)),
    (
        r"\bbusiness continuity management\b(?! plans)|\bBCM\b(?! plans)",
        ("BusinessContinuityManagement",),
    ),
    (r"\bevent management\b", ("EventManagement",)),
    (r"\borganizational security management\b", ("OrganizationalSecurityManagement",)),
    (r"\bproblem management\b", ("ProblemManagement",)),
    (r"\bCAB meetings\b", ("ChangeAdvisoryBoard",)),
    (r"\bIT services function\b", ("ITServicesFunction",)),
    (r"\bIT service areas\b", ("ITServiceAreas",)),
    (r"\bthe business\b(?! users| continuity)", ("TheBusiness",)),
    (r"\bcontinual improvement\b", ("ContinualServiceImprovement",)),
    (r"\bbusiness users\b", ("BusinessUsers",)),
    (r"\busers and customers\b", ("Users", "Customers")),
    (r"\bsenior IT management\b", ("SeniorITManagement",)),
    (r"\bsenior IT and business management\b", ("SeniorITManagement", "SeniorBusinessManagement")),
    (r"\brecommendations to IT management\b", ("ITManagement",)),
    (r"\bline management\b", ("LineManagement",)),
    (r"\bsuppliers\b", ("Suppliers",)),
    (r"\bexternal partners\b", ("ExternalPartners",)),
    (r"\bproviders of third-party recovery services\b", ("ThirdPartyRecoveryProviders",)),
)

#: Phrases naming artefacts, with how the duty touches each (empty: only mentioned).
#: Records a process manages: naming them ("raising incidents", "assessing changes") mentions the
#: process that manages them, but does not name it outright, so an interface resting only on
#: these is implied, not stated.
RECORD_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\bincidents\b", ("IncidentManagement",)),
    (r"\bproblems\b", ("ProblemManagement",)),
    (r"\bchanges\b", ("ChangeManagement",)),
)

ARTEFACT_RULES: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (r"documenting and publicizing the process", (("ProcessDocumentation", ("produces",)),)),
    (
        r"process, roles, responsibilities and documentation are regularly reviewed and audited",
        (("ProcessDocumentation", ("reviews",)),),
    ),
    (
        r"defining the key performance indicators \(KPIs\)",
        (("KeyPerformanceIndicators", ("produces",)),),
    ),
    (r"reviewing KPIs", (("KeyPerformanceIndicators", ("reviews",)),)),
    (
        r"input to the on-going service improvement plan",
        (("ServiceImprovementPlan", ("contributesTo",)),),
    ),
    (
        r"monitoring and reporting on process performance",
        (("ProcessPerformanceReports", ("produces",)),),
    ),
    (r"for inclusion in the CSI register", (("CSIRegister", ("contributesTo",)),)),
    (r"prioritize improvements in the CSI register", (("CSIRegister", ("reviews",)),)),
    (r"creating or updating records", (("ActivityRecords", ("produces", "maintains")),)),
    (r"based on business plans", (("BusinessPlans", ("uses",)),)),
    (
        r"production, regular review and revision of the capacity plan",
        (("CapacityPlan", ("produces", "reviews", "maintains")),),
    ),
    (
        r"reporting on performance against targets contained in SLAs",
        (("PerformanceReports", ("produces",)),),
    ),
    (
        r"(reports|preparing reports) on service and component performance",
        (("PerformanceReports", ("produces",)),),
    ),
    (r"targets contained in SLAs", (("ServiceLevelAgreement", ("uses",)),)),
    (r"producing regular management reports", (("CapacityManagementReports", ("produces",)),)),
    (
        r"levels of availability agreed with the business in SLAs",
        (("ServiceLevelAgreement", ("uses",)),),
    ),
    (
        r"requirements for new or enhanced event management systems",
        (("EventManagementSystems", ("contributesTo",)),),
    ),
    (r"against SLA targets", (("ServiceLevelAgreement", ("uses",)),)),
    (r"providing a range of IT availability reporting", (("AvailabilityReports", ("produces",)),)),
    (
        r"creating, maintaining and regularly reviewing an (AMIS|availability management information "
        r"system) and a forward-looking availability plan",
        (
            ("AMIS", ("produces", "maintains", "reviews")),
            ("AvailabilityPlan", ("produces", "maintains", "reviews")),
        ),
    ),
    (
        r"creating availability and recovery design criteria",
        (("AvailabilityDesignCriteria", ("produces",)),),
    ),
    (
        r"maintaining and completing an availability testing schedule",
        (("AvailabilityTestingSchedule", ("maintains",)),),
    ),
    (r"all availability tests and plans are tested", (("AvailabilityPlan", ("reviews",)),)),
    (
        r"including overall service availability and the availability plan",
        (("AvailabilityPlan", ("reviews",)),),
    ),
    (r"performing business impact analyses", (("BusinessImpactAnalysis", ("produces",)),)),
    (r"assisting with business impact analyses", (("BusinessImpactAnalysis", ("contributesTo",)),)),
    (
        r"all (ITSCM|IT service continuity management) plans, risks and activities underpin and "
        r"align with all (BCM|business continuity management) plans",
        (("ITSCMPlans", ("maintains",)), ("BCMPlans", ("uses",))),
    ),
    (
        r"developing and maintaining the organization’s continuity strategy",
        (("ContinuityStrategy", ("produces", "maintains")),),
    ),
    (r"invoking the service continuity plan", (("ServiceContinuityPlan", ("uses",)),)),
    (
        r"managing the service continuity plan while it is in operation",
        (("ServiceContinuityPlan", ("maintains",)),),
    ),
    (
        r"developing and managing the (ITSCM|IT service continuity management) plans",
        (("ITSCMPlans", ("produces", "maintains")),),
    ),
    (r"an invocation of the continuity plans", (("ITSCMPlans", ("uses",)),)),
    (
        r"maintaining a comprehensive IT testing schedule, including testing all continuity plans",
        (("ITTestingSchedule", ("maintains",)), ("ITSCMPlans", ("reviews",))),
    ),
    (r"incorporated into the testing schedule", (("ITTestingSchedule", ("maintains",)),)),
    (
        r"regular reviews, at least annually, of the continuity plans",
        (("ITSCMPlans", ("reviews",)),),
    ),
    (
        r"negotiating and managing contracts with providers of third-party recovery services",
        (("ThirdPartyRecoveryContracts", ("produces", "maintains")),),
    ),
    (r"impact on service continuity and continuity plans", (("ITSCMPlans", ("reviews",)),)),
    (
        r"developing and maintaining the information security policy and a supporting set of "
        r"specific policies",
        (
            ("InformationSecurityPolicy", ("produces", "maintains")),
            ("SupportingSecurityPolicies", ("produces", "maintains")),
        ),
    ),
    (
        r"communicating and publicizing the information security policy",
        (("InformationSecurityPolicy", ("uses",)),),
    ),
    (
        r"information security policy is enforced and adhered to",
        (("InformationSecurityPolicy", ("maintains",)),),
    ),
    (
        r"identifying and classifying IT and information assets \(configuration items\)",
        (("ConfigurationItems", ("maintains",)),),
    ),
    (r"performing security risk (analysis|assessment)", (("SecurityRiskAnalysis", ("produces",)),)),
    (
        r"designing security controls and developing security plans",
        (("SecurityControls", ("produces",)), ("SecurityPlans", ("produces",))),
    ),
    (
        r"developing and documenting procedures for operating and maintaining security controls",
        (("SecurityProcedures", ("produces",)), ("SecurityControls", ())),
    ),
    (
        r"maintaining a set of security controls and documentation, and regularly reviewing and "
        r"auditing all security controls and procedures",
        (
            ("SecurityControls", ("maintains", "reviews")),
            ("SecurityProcedures", ("maintains", "reviews")),
        ),
    ),
    (
        r"including the information security policy and security controls",
        (("InformationSecurityPolicy", ("reviews",)), ("SecurityControls", ("reviews",))),
    ),
    (r"levels agreed in the SLAs", (("ServiceLevelAgreement", ("uses",)),)),
    (r"subject to contractual agreements", (("ContractualAgreements", ("uses",)),)),
    (
        r"analyses (patterns|patters) of business activity",
        (("PatternsOfBusinessActivity", ("produces",)),),
    ),
    (r"to meet PBA", (("PatternsOfBusinessActivity", ("uses",)),)),
    (r"identifies and defines user profiles", (("UserProfiles", ("produces",)),)),
)

# ---------------------------------------------------------------------------
# Duty themes (SKOS). A duty gets a theme when its text contains one of the theme's
# trigger phrases; the phrases are published as skos:hiddenLabel so the rule is auditable.
# ---------------------------------------------------------------------------

THEMES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "planning",
        "planning",
        "Duties about plans, forecasts, sizing and strategy.",
        (
            "planning",
            "plan and coordinate",
            "capacity plan",
            "forward-looking",
            "security plans",
            "developing and managing the",
            "business plans",
            "forecast",
            "sizing",
            "strategy",
            "future demand",
            "anticipates",
        ),
    ),
    (
        "monitoring-and-reporting",
        "monitoring and reporting",
        "Duties about monitoring resources, services or processes and reporting on them.",
        ("monitor", "report"),
    ),
    ("testing", "testing", "Duties about planning, performing or scheduling tests.", ("test",)),
    ("risk", "risk", "Duties about assessing and managing risk.", ("risk",)),
    (
        "change-assessment",
        "change assessment",
        "Duties about assessing changes for their impact and attending Change Advisory Board "
        "meetings.",
        ("changes are assessed", "assessing changes", "cab meetings"),
    ),
    (
        "incidents-and-problems",
        "incidents and problems",
        "Duties about raising, investigating, handling or reducing incidents and problems.",
        ("incident", "problem"),
    ),
    (
        "improvement",
        "improvement",
        "Duties about improving services, processes or resource use, including tuning and "
        "corrective or remedial action.",
        ("improv", "enhancements", "tuning", "corrective action", "remedial action"),
    ),
    (
        "policy-and-governance",
        "policy and governance",
        "Duties about policies, KPIs, audits, authorisation and statutory requirements.",
        ("policy", "policies", "audit", "kpi", "authorization", "statutory"),
    ),
    (
        "suppliers",
        "suppliers",
        "Duties about suppliers, partners and contracts with third parties.",
        ("supplier", "third-party", "contract"),
    ),
    (
        "training-and-awareness",
        "training and awareness",
        "Duties about training staff and communicating, publicising or promoting awareness.",
        ("training", "awareness", "education", "publicizing", "communicating"),
    ),
    (
        "cost",
        "cost",
        "Duties about cost, cost justification and financial management.",
        ("cost", "financial"),
    ),
)

# ---------------------------------------------------------------------------
# Interfaces: (type, from, to, evidence duties as (section, position), phrase the evidence
# must contain). "coordination" interfaces are stated; the others are implied by the duty.
# ---------------------------------------------------------------------------

INTERFACE_TYPES = {
    "coordination": "CoordinationInterface",
    "service-level": "ServiceLevelInterface",
    "change-assessment": "ChangeAssessmentInterface",
    "risk": "RiskInterface",
    "incident-problem": "IncidentProblemInterface",
    "financial": "FinancialInterface",
    "continuity": "ContinuityInterface",
    "demand": "DemandInterface",
    "monitoring": "MonitoringInterface",
    "configuration": "ConfigurationInterface",
    "improvement": "ImprovementInterface",
}

ABBREV = {
    "CAP": "CapacityManagement",
    "AVM": "AvailabilityManagement",
    "ITSCM": "ITServiceContinuityManagement",
    "ISM": "InformationSecurityManagement",
    "DEM": "DemandManagement",
    "SLM": "ServiceLevelManagement",
    "CHG": "ChangeManagement",
    "INC": "IncidentManagement",
    "PRB": "ProblemManagement",
    "FIN": "FinancialManagementForITServices",
    "BCM": "BusinessContinuityManagement",
    "EVT": "EventManagement",
    "OSM": "OrganizationalSecurityManagement",
    "SACM": "ServiceAssetAndConfigurationManagement",
    "CSI": "ContinualServiceImprovement",
}

Ev = tuple[tuple[str, int], ...]
INTERFACES: tuple[tuple[str, str, str, Ev, str], ...] = (
    # Capacity management (7.6 owner, 7.7 manager = owner position + 2)
    *(
        ("coordination", "CAP", to, (("7.7", 2),), "coordinating interfaces")
        for to in ("SLM", "AVM", "ITSCM", "ISM")
    ),
    (
        "service-level",
        "CAP",
        "SLM",
        (("7.6", 2), ("7.6", 8), ("7.6", 19), ("7.7", 4), ("7.7", 10), ("7.7", 21)),
        r"service level manager|SLAs",
    ),
    ("change-assessment", "CAP", "CHG", (("7.6", 14), ("7.7", 16)), "CAB meetings"),
    ("incident-problem", "CAP", "INC", (("7.6", 9), ("7.7", 11)), "incidents"),
    ("incident-problem", "CAP", "PRB", (("7.6", 9), ("7.7", 11)), "problems"),
    (
        "demand",
        "CAP",
        "DEM",
        (("7.6", 1), ("7.6", 11), ("7.7", 3), ("7.7", 13)),
        "demand management techniques|match capacity and demand",
    ),
    # Availability management (7.8 owner, 7.9 manager = owner position + 2)
    *(
        ("coordination", "AVM", to, (("7.9", 2),), "coordinating interfaces")
        for to in ("SLM", "CAP", "ITSCM", "ISM")
    ),
    ("service-level", "AVM", "SLM", (("7.8", 1), ("7.8", 7), ("7.9", 3), ("7.9", 9)), "SLA"),
    ("incident-problem", "AVM", "INC", (("7.8", 3), ("7.9", 5)), "incidents"),
    ("incident-problem", "AVM", "PRB", (("7.8", 3), ("7.9", 5)), "problems"),
    ("monitoring", "AVM", "EVT", (("7.8", 5), ("7.9", 7)), "event management"),
    ("financial", "AVM", "FIN", (("7.8", 12), ("7.9", 14)), "financial management"),
    ("improvement", "AVM", "CSI", (("7.8", 10), ("7.9", 12)), "continual improvement"),
    ("risk", "AVM", "ISM", (("7.8", 15), ("7.9", 17)), "risk"),
    ("risk", "AVM", "ITSCM", (("7.8", 15), ("7.9", 17)), "risk"),
    (
        "change-assessment",
        "AVM",
        "CHG",
        (("7.8", 16), ("7.8", 17), ("7.9", 18), ("7.9", 19)),
        r"changes|CAB",
    ),
    # IT service continuity management (7.10 owner, 7.11 manager = owner position + 2)
    *(
        ("coordination", "ITSCM", to, (("7.11", 2),), "coordinating interfaces")
        for to in ("SLM", "ISM", "AVM", "CAP", "BCM")
    ),
    (
        "continuity",
        "ITSCM",
        "BCM",
        (("7.10", 2), ("7.10", 3), ("7.11", 4), ("7.11", 5)),
        r"business continuity management|BCM",
    ),
    ("change-assessment", "ITSCM", "CHG", (("7.10", 16),), "assessing changes"),
    # Information security management (7.12 owner, 7.13 manager = owner position + 2)
    *(
        ("coordination", "ISM", to, (("7.13", 2),), "coordinating interfaces")
        for to in ("SLM", "AVM", "ITSCM", "OSM")
    ),
    ("continuity", "ISM", "ITSCM", (("7.12", 5), ("7.13", 7)), "business impact analyses"),
    ("risk", "ISM", "AVM", (("7.12", 6), ("7.13", 8)), "risk"),
    ("risk", "ISM", "ITSCM", (("7.12", 6), ("7.13", 8)), "risk"),
    ("incident-problem", "ISM", "INC", (("7.12", 9), ("7.13", 11)), "security incidents"),
    ("incident-problem", "ISM", "PRB", (("7.12", 10), ("7.13", 12)), "problem management"),
    ("change-assessment", "ISM", "CHG", (("7.12", 13),), "CAB meetings"),
    ("service-level", "ISM", "SLM", (("7.12", 16),), "SLAs"),
    ("configuration", "ISM", "SACM", (("7.12", 4), ("7.13", 6)), "configuration items"),
    # Demand management (7.14: owner positions 1-2, manager positions 3-9)
    ("demand", "DEM", "CAP", (("7.14", 7),), "levels of capacity"),
)

# ---------------------------------------------------------------------------
# Defects of the source: (class, key, section, affected duty position or role key or None,
# verbatim fragment, correction, note)
# ---------------------------------------------------------------------------

DEFECTS: tuple[tuple[str, str, str, str | int | None, str, str, str], ...] = (
    (
        "HeadingBodyMismatch",
        "7.10-heading",
        "7.10",
        "ITServiceContinuityManagementProcessOwner",
        "The IT Service Continuity Manager is responsible for ensuring that the aims of IT "
        "Service Continuity Management are met.",
        "The IT Service Continuity Management process owner is responsible for ensuring that the "
        "aims of IT Service Continuity Management are met.",
        "The heading names the process owner while the body's first sentence names the 'IT Service "
        "Continuity Manager' (the previous slide's closing line announces 'a IT Service Continuity "
        "manager' too). The graph follows the heading and the slide order (7.11 is the process "
        "manager), records the body's wording as an alternative label, and keeps both verbatim.",
    ),
    (
        "Typo",
        "7.14-patters",
        "7.14",
        4,
        "Identifies and analyses patters of business activity",
        "Identifies and analyses patterns of business activity",
        "'patters' is a typo for 'patterns' (patterns of business activity, PBA, as the next "
        "bullet calls them).",
    ),
    (
        "TruncatedText",
        "7.14-demand-exceeds",
        "7.14",
        8,
        "Anticipates and prevents/manages situations where demand exceeds",
        "Anticipates and prevents/manages situations where demand exceeds capacity",
        "The bullet stops after 'exceeds'; the object is missing. The correction supplies "
        "'capacity', the resource the previous bullet is about.",
    ),
    (
        "ShortenedList",
        "7.11-short",
        "7.11",
        "ITServiceContinuityManagementProcessManager",
        "Developing and managing the IT service continuity management plans to ensure that, at all "
        "times, the recovery objectives of the business can be achieved",
        "The list continues as the owner's (7.10) does: preparing IT service areas for invocation, "
        "the IT testing schedule, quality reviews of procedures, awareness of ITSCM objectives, "
        "annual reviews of the continuity plans, third-party recovery contracts, and assessing "
        "changes for their impact on service continuity.",
        "The manager's list has 11 bullets against the owner's 16: after the two generic bullets "
        "it repeats the owner's first 9 bullets and stops. The 7 missing duties look truncated, "
        "not deliberately withheld; the graph records only what the text lists.",
    ),
    (
        "ShortenedList",
        "7.13-short",
        "7.13",
        "InformationSecurityManagementProcessManager",
        "Maintaining a set of security controls and documentation, and regularly reviewing and "
        "auditing all security controls and procedures",
        "The list continues as the owner's (7.12) does: assessing changes and attending CAB "
        "meetings, security tests, security reviews after breaches, confidentiality, integrity and "
        "availability at SLA levels, contractual control of external access, and acting as the "
        "focal point for security issues.",
        "The manager's list has 14 bullets against the owner's 18: after the two generic bullets "
        "it repeats the owner's first 12 bullets and stops. The 6 missing duties look truncated; "
        "the graph records only what the text lists.",
    ),
    (
        "MissingBoundary",
        "7.10-last",
        "7.10",
        16,
        "Assessing changes for their impact on Service Continuity and Continuity Plans Let us now",
        "Assessing changes for their impact on Service Continuity and Continuity Plans. Let us now",
        "The last bullet runs into the narrative without a full stop; the duty text ends at "
        "'Continuity Plans'.",
    ),
    (
        "MissingBoundary",
        "7.11-last",
        "7.11",
        11,
        "the recovery objectives of the business can be achieved In the next slide",
        "the recovery objectives of the business can be achieved. In the next slide",
        "The last bullet runs into the narrative without a full stop; the duty text ends at "
        "'can be achieved'.",
    ),
    (
        "MissingBoundary",
        "7.13-last",
        "7.13",
        14,
        "regularly reviewing and auditing all security controls and procedures In the next slide",
        "regularly reviewing and auditing all security controls and procedures. In the next slide",
        "The last bullet runs into the narrative without a full stop; the duty text ends at "
        "'procedures'.",
    ),
    (
        "MissingBoundary",
        "7.14-last",
        "7.14",
        9,
        "Gears the utilization of resources to meet demand fluctuations We have come",
        "Gears the utilization of resources to meet demand fluctuations. We have come",
        "The last bullet runs into the narrative without a full stop; the duty text ends at "
        "'fluctuations'.",
    ),
    (
        "Typo",
        "7.9-components",
        "7.9",
        5,
        "unavailability of services or Components",
        "unavailability of services or components",
        "Stray capital letter; the owner's list (7.8) has 'components'.",
    ),
    (
        "Typo",
        "7.6-not-look",
        "7.6",
        None,
        "Similarly let us not look at the responsibilities",
        "Similarly let us now look at the responsibilities",
        "'not' is a typo for 'now' in the narrative after the last bullet; no duty is affected.",
    ),
    (
        "Typo",
        "7.14-managers-apostrophe",
        "7.14",
        None,
        "the Process Owner and Process Manager’s for the Demand Management",
        "the Process Owner and Process Manager for Demand Management",
        "Misplaced apostrophe in the section's introduction; no duty is affected.",
    ),
    (
        "Typo",
        "7.9-a-it",
        "7.9",
        None,
        "that of a IT Service Continuity manager",
        "that of an IT Service Continuity manager",
        "Wrong article ('a IT') in the narrative after the last bullet; the line also calls the "
        "next slide's role a 'manager' (see the 7.10 heading defect); no duty is affected.",
    ),
    (
        "HeadingBodyMismatch",
        "7.12-name",
        "7.12",
        "InformationSecurityManagementProcessOwner",
        "The Security Management process owner is responsible for ensuring that the aims of "
        "Information Security Management are met.",
        "The Information Security Management process owner is responsible for ensuring that the "
        "aims of Information Security Management are met.",
        "The body shortens the heading's 'Information Security Management Process Owner' to "
        "'Security Management process owner'. Both name the same role; the graph keeps the "
        "heading's name and records the body's wording as an alternative label.",
    ),
)

# ===========================================================================
# Parsing
# ===========================================================================


@dataclass
class Duty:
    section: str
    position: int
    role: str
    text: str
    corrected: str | None = None
    mentions: dict[str, set[str]] = field(default_factory=dict)  # thing key -> relations
    themes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"duty-{self.section}-{self.position:02d}"


def read_sections(text: str) -> dict[str, tuple[str, str]]:
    """Section number -> (verbatim heading, body)."""
    matches = list(HEADING.finditer(text))
    sections: dict[str, tuple[str, str]] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        sections[match.group(1)] = (match.group(2), text[match.end() : end].strip())
    return sections


def _strip_trailer(section: str, body: str) -> str:
    first_paragraph = body.split("\n")[0]
    trailer = TRAILERS[section]
    if not first_paragraph.endswith(trailer):
        raise SystemExit(f"section {section}: expected narrative trailer {trailer!r} not found")
    return first_paragraph[: -len(trailer)]


def extract_duties(sections: dict[str, tuple[str, str]]) -> list[Duty]:
    duties: list[Duty] = []
    for spec in ROLES:
        if spec.subheading is not None:
            continue
        heading, body = sections[spec.section]
        if heading != spec.label:
            raise SystemExit(f"section {spec.section}: heading {heading!r} != {spec.label!r}")
        items = [b.strip() for b in _strip_trailer(spec.section, body).split("•")[1:]]
        duties += [Duty(spec.section, i, spec.key, t) for i, t in enumerate(items, 1)]
    # 7.14: two roles under "• Process Owner" and "• Process manager", duties after "–"
    heading, body = sections["7.14"]
    position = 0
    for block in _strip_trailer("7.14", body).split("•")[1:]:
        subheading, *items = [part.strip() for part in block.split(" – ")]
        spec = next(r for r in ROLES if r.section == "7.14" and r.subheading == subheading)
        for item in items:
            position += 1
            duties.append(Duty("7.14", position, spec.key, item))
    return duties


# ===========================================================================
# Annotation
# ===========================================================================


def annotate(duties: list[Duty]) -> None:
    fired: set[str] = set()
    for duty in duties:
        for pattern, keys in (*MENTION_RULES, *RECORD_RULES):
            if re.search(pattern, duty.text, re.IGNORECASE):
                fired.add(pattern)
                for key in keys:
                    duty.mentions.setdefault(key, set())
        for pattern, hits in ARTEFACT_RULES:
            if re.search(pattern, duty.text, re.IGNORECASE):
                fired.add(pattern)
                for key, relations in hits:
                    duty.mentions.setdefault(key, set()).update(relations)
        low = duty.text.lower()
        duty.themes = [name for name, _, _, words in THEMES if any(w in low for w in words)]
    unused = [p for p, _ in (*MENTION_RULES, *RECORD_RULES, *ARTEFACT_RULES) if p not in fired]
    if unused:
        raise SystemExit(f"rules that match no duty: {unused}")
    for kind, key, section, target, fragment, correction, _ in DEFECTS:
        if kind in ("Typo", "TruncatedText") and isinstance(target, int):
            duty = _duty(duties, section, target)
            if fragment not in duty.text:
                raise SystemExit(f"defect {key}: {fragment!r} not in {duty.key}")
            duty.corrected = duty.text.replace(fragment, correction)


def _duty(duties: list[Duty], section: str, position: int) -> Duty:
    for duty in duties:
        if duty.section == section and duty.position == position:
            return duty
    raise SystemExit(f"no duty {section}/{position}")


# ===========================================================================
# Output
# ===========================================================================

THING_CLASS = {
    "ppo-process": ("PPOProcess", "Process"),
    "process": ("Process",),
    "party": ("Party",),
    "body": ("Body", "Party"),
    "function": ("Function", "Party"),
    "external-role": ("ExternalRole",),
}
MENTION_PROPERTY = {
    "ppo-process": "mentionsProcess",
    "process": "mentionsProcess",
    "party": "mentionsParty",
    "body": "mentionsParty",
    "function": "mentionsParty",
    "external-role": "mentionsRole",
}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, ns in (
        ("ppo", PPO),
        ("ppod", PPOD),
        ("skos", SKOS),
        ("dcterms", DCTERMS),
        ("org", ORG),
        ("xsd", XSD),
    ):
        graph.bind(prefix, ns)
    return graph


def describe_things(graph: Graph, things: Iterable[Thing]) -> None:
    for thing in things:
        node = PPOD[thing.key]
        for cls in THING_CLASS.get(thing.kind, (thing.kind, "Artefact")):
            graph.add((node, RDF.type, PPO[cls]))
        graph.add((node, RDFS.label, Literal(thing.label, lang=EN)))
        graph.add((node, SKOS.definition, Literal(thing.definition, lang=EN)))
        if thing.abbreviation:
            graph.add((node, PPO.abbreviation, Literal(thing.abbreviation)))
        if thing.of_process:
            prop = {"body": PPO.partOfProcess, "external-role": PPO.roleOfProcess}.get(
                thing.kind, PPO.ownedByProcess
            )
            graph.add((node, prop, PPOD[thing.of_process]))


def build(text: str, digest: str) -> dict[str, Graph]:
    sections = read_sections(text)
    duties = extract_duties(sections)
    annotate(duties)
    kinds = {t.key: t.kind for t in (*PROCESSES, *PARTIES, *EXTERNAL_ROLES)}
    kinds.update({r.key: "role" for r in ROLES})
    artefacts = {t.key for t in ARTEFACTS}
    files: dict[str, Graph] = {}

    # --- source document and sections
    src = new_graph()
    doc = PPOD["source-tutorial"]
    src.add((doc, RDF.type, PPO.SourceDocument))
    src.add((doc, RDFS.label, Literal("PPO Roles and Responsibilities Tutorial", lang=EN)))
    src.add((doc, DCTERMS.title, Literal(text.splitlines()[0])))
    src.add((doc, PPO.sha256, Literal(digest)))
    src.add((doc, PPO.sourcePath, Literal("source/ppo-roles-tutorial.txt")))
    src.add(
        (
            doc,
            SKOS.scopeNote,
            Literal(
                "Learning unit 7 of an ITIL v3 Intermediate (PPO) online course; the graph encodes its "
                "sections 7.3 to 7.14.",
                lang=EN,
            ),
        )
    )
    for number, (heading, _) in sections.items():
        node = PPOD[f"section-{number}"]
        src.add((node, RDF.type, PPO.SourceSection))
        src.add((node, RDFS.label, Literal(f"{number} {heading}", lang=EN)))
        src.add((node, PPO.sectionNumber, Literal(number)))
        src.add((node, PPO.verbatimHeading, Literal(heading)))
        src.add((node, PPO.partOfDocument, doc))
    files["data/source.ttl"] = src

    # --- one file per role section: the role(s) and their duties
    for number in sorted({r.section for r in ROLES}, key=lambda s: int(s.split(".")[1])):
        graph = new_graph()
        for spec in (r for r in ROLES if r.section == number):
            node = PPOD[spec.key]
            graph.add((node, RDF.type, PPO.Role))
            for cls in spec.classes:
                graph.add((node, RDF.type, PPO[cls]))
            graph.add((node, RDFS.label, Literal(spec.label, lang=EN)))
            graph.add((node, PPO.inSection, PPOD[f"section-{number}"]))
            graph.add((node, PPO.verbatimHeading, Literal(spec.subheading or sections[number][0])))
            kind = "process owner" if spec.owns else "process manager"
            process_label = spec.label.rsplit(" Process", 1)[0]
            definition = spec.definition or (
                f"The {kind} of {process_label}; it specialises the generic {kind} role."
            )
            graph.add((node, SKOS.definition, Literal(definition, lang=EN)))
            if spec.specialises:
                graph.add((node, PPO.specialises, PPOD[spec.specialises]))
                stated = spec.manages is not None or spec.section == "7.14"
                note = GENERIC_STATED.format(kind=kind) if stated else GENERIC_ASSUMED
                graph.add((node, SKOS.scopeNote, Literal(note, lang=EN)))
            if spec.owns:
                graph.add((node, PPO.ownsProcess, PPOD[spec.owns]))
            if spec.manages:
                graph.add((node, PPO.managesProcess, PPOD[spec.manages]))
        for duty in (d for d in duties if d.section == number):
            node = PPOD[duty.key]
            graph.add((node, RDF.type, PPO.Duty))
            graph.add((node, RDFS.label, Literal(duty.corrected or duty.text, lang=EN)))
            graph.add((node, PPO.verbatimText, Literal(duty.text)))
            if duty.corrected:
                graph.add((node, PPO.correctedText, Literal(duty.corrected)))
            graph.add((node, PPO.inSection, PPOD[f"section-{number}"]))
            graph.add((node, PPO.position, Literal(duty.position)))
            graph.add((node, PPO.isDutyOf, PPOD[duty.role]))
            for key, relations in sorted(duty.mentions.items()):
                if key in artefacts:
                    graph.add((node, PPO.mentionsArtefact, PPOD[key]))
                    for rel in sorted(relations):
                        graph.add((node, PPO[rel], PPOD[key]))
                else:
                    prop = "mentionsRole" if kinds[key] == "role" else MENTION_PROPERTY[kinds[key]]
                    graph.add((node, PPO[prop], PPOD[key]))
            for theme in duty.themes:
                graph.add((node, PPO.hasTheme, PPOD[f"theme-{theme}"]))
        slug = re.sub(r"[^a-z]+", "-", sections[number][0].lower()).strip("-")
        major, minor = number.split(".")
        files[f"data/sections/{major}.{int(minor):02d}-{slug}.ttl"] = graph

    # --- processes, parties, external roles; artefacts
    procs = new_graph()
    describe_things(procs, (*PROCESSES, *PARTIES, *EXTERNAL_ROLES))
    files["data/processes.ttl"] = procs
    arts = new_graph()
    describe_things(arts, ARTEFACTS)
    files["data/artefacts.ttl"] = arts

    # --- interfaces
    label_of = {t.key: t.label for t in PROCESSES}
    ifaces = new_graph()
    for kind, src_abbr, dst_abbr, evidence, phrase in INTERFACES:
        src_key, dst_key = ABBREV[src_abbr], ABBREV[dst_abbr]
        node = PPOD[f"interface-{src_abbr}-{dst_abbr}-{kind}"]
        if (node, RDF.type, PPO.Interface) in ifaces:
            raise SystemExit(f"duplicate interface {node}")
        ifaces.add((node, RDF.type, PPO.Interface))
        ifaces.add((node, RDF.type, PPO[INTERFACE_TYPES[kind]]))
        ifaces.add(
            (
                node,
                RDFS.label,
                Literal(
                    f"{label_of[src_key]} → {label_of[dst_key]} ({kind.replace('-', ' ')})", lang=EN
                ),
            )
        )
        ifaces.add((node, PPO.fromProcess, PPOD[src_key]))
        ifaces.add((node, PPO.toProcess, PPOD[dst_key]))
        named = [p for p, keys in MENTION_RULES if dst_key in keys]
        stated = kind == "coordination" or any(
            re.search(p, _duty(duties, sec, pos).text, re.IGNORECASE)
            for p in named
            for sec, pos in evidence
        )
        ifaces.add((node, PPO.stated, Literal(stated)))
        for section, position in evidence:
            duty = _duty(duties, section, position)
            if not re.search(phrase, duty.text, re.IGNORECASE):
                raise SystemExit(f"{node}: evidence {duty.key} lacks {phrase!r}: {duty.text}")
            role = next(r for r in ROLES if r.key == duty.role)
            if (role.owns or role.manages) != src_key:
                raise SystemExit(f"{node}: evidence {duty.key} is not a duty of {src_key}")
            ifaces.add((node, PPO.evidencedBy, PPOD[duty.key]))
    files["data/interfaces.ttl"] = ifaces

    # --- defects
    defects = new_graph()
    for kind, key, section, target, fragment, correction, note in DEFECTS:
        node = PPOD[f"defect-{key}"]
        defects.add((node, RDF.type, PPO.SourceDefect))
        defects.add((node, RDF.type, PPO[kind]))
        defects.add((node, RDFS.label, Literal(f"{section}: {kind} ({key})", lang=EN)))
        defects.add((node, PPO.inSection, PPOD[f"section-{section}"]))
        defects.add((node, PPO.verbatimFragment, Literal(fragment)))
        defects.add((node, PPO.correction, Literal(correction)))
        defects.add((node, SKOS.editorialNote, Literal(note, lang=EN)))
        if isinstance(target, int):
            defects.add((node, PPO.affects, PPOD[_duty(duties, section, target).key]))
        elif target is not None:
            defects.add((node, PPO.affects, PPOD[target]))
        else:
            defects.add((node, PPO.affects, PPOD[f"section-{section}"]))
        if fragment.split(" In the next")[0].split(" Let us")[0] not in " ".join(text.split()):
            raise SystemExit(f"defect {key}: fragment not in the source")
    isp = PPOD["InformationSecurityManagementProcessOwner"]
    defects.add((isp, SKOS.altLabel, Literal("Security Management process owner", lang=EN)))
    mismatch = PPOD["ITServiceContinuityManagementProcessOwner"]
    defects.add((mismatch, SKOS.altLabel, Literal("IT Service Continuity Manager", lang=EN)))
    defects.add(
        (
            mismatch,
            SKOS.editorialNote,
            Literal(
                "Heading 7.10 names the process owner; the body calls the role 'IT Service Continuity "
                "Manager'. See ppod:defect-7.10-heading.",
                lang=EN,
            ),
        )
    )
    files["data/defects.ttl"] = defects

    # --- theme scheme
    themes = new_graph()
    scheme = PPOD["DutyThemes"]
    themes.add((scheme, RDF.type, SKOS.ConceptScheme))
    themes.add((scheme, RDFS.label, Literal("PPO duty themes", lang=EN)))
    themes.add((scheme, SKOS.prefLabel, Literal("PPO duty themes", lang=EN)))
    themes.add(
        (
            scheme,
            SKOS.definition,
            Literal(
                "Themes that cut across the PPO processes. A duty carries a theme when its verbatim text "
                "contains one of the theme's hidden labels (trigger phrases, compared in lower case).",
                lang=EN,
            ),
        )
    )
    for name, label, definition, words in THEMES:
        node = PPOD[f"theme-{name}"]
        themes.add((node, RDF.type, SKOS.Concept))
        themes.add((node, SKOS.prefLabel, Literal(label, lang=EN)))
        themes.add((node, RDFS.label, Literal(label, lang=EN)))
        themes.add((node, SKOS.definition, Literal(definition, lang=EN)))
        themes.add((node, SKOS.inScheme, scheme))
        themes.add((node, SKOS.topConceptOf, scheme))
        themes.add((scheme, SKOS.hasTopConcept, node))
        for word in words:
            themes.add((node, SKOS.hiddenLabel, Literal(word, lang=EN)))
    files["ontology/themes.ttl"] = themes
    _ = BNode  # (kept for readers extending the tables with blank nodes)
    return files


HEADER = (
    "# Generated by tools/encode_tutorial.py from data/source/ppo-roles-tutorial.txt.\n"
    "# Edit the tables in that script, not this file, then run it again.\n"
)


def render(files: dict[str, Graph]) -> dict[str, str]:
    return {path: HEADER + graph.serialize(format="turtle") for path, graph in files.items()}


def main() -> int:
    raw = SOURCE.read_bytes()
    text = raw.decode("utf-8")
    files = build(text, hashlib.sha256(raw).hexdigest())
    if "--check" in sys.argv:
        stale = []
        for path, graph in files.items():
            target = ROOT / path
            if not target.exists() or not isomorphic(graph, Graph().parse(target)):
                stale.append(path)
        expected = {ROOT / p for p in files if p.startswith("data/sections/")}
        extra = set((ROOT / "data" / "sections").glob("*.ttl")) - expected
        stale += [str(p.relative_to(ROOT)) for p in sorted(extra)]
        if stale:
            print("out of date (run python tools/encode_tutorial.py):", *stale, sep="\n  ")
            return 1
        print(f"{len(files)} files up to date")
        return 0
    (ROOT / "data" / "sections").mkdir(parents=True, exist_ok=True)
    for old in (ROOT / "data" / "sections").glob("*.ttl"):
        old.unlink()
    for path, content in render(files).items():
        (ROOT / path).write_text(content, encoding="utf-8")
    print(f"wrote {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
