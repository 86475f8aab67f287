/**
 * The built-in scenarios, after the draft's examples and use cases
 * (background digest section 10): the reference implementations' two-agent
 * demo, the software release workflow, a cross-organisation flow, a
 * multi-vendor document pipeline with fan-out and fan-in, and a clinical
 * decision workflow at L3.
 */
import type { Scenario } from './types.ts';

export interface BuiltinScenario {
  id: string;
  scenario: Scenario;
}

const demo: Scenario = {
  name: 'Reference implementation: two-agent demo',
  description:
    'The demo of the draft’s reference implementations (Go and Python): agent A reviews a spec and sends its ECT ' +
    '(pol policy_v1, approved) to agent B; B verifies it against A’s key, appends it to its in-memory ledger, ' +
    'and issues a child task that names A’s task as predecessor. (The demo does not publish the name of the ' +
    'second action; process_reviewed_spec is ours.) No workflow id, as in the demo.',
  level: 'L2',
  stores: 'shared',
  partialDag: false,
  agents: [
    { name: 'Agent A', issuer: 'spiffe://example.com/agent/a', domain: 'example.com' },
    { name: 'Agent B', issuer: 'spiffe://example.com/agent/b', domain: 'example.com' },
  ],
  tasks: [
    {
      id: 'review',
      agent: 'Agent A',
      exec_act: 'review_spec',
      pred: [],
      aud: ['Agent B'],
      pol: 'policy_v1',
      pol_decision: 'approved',
    },
    { id: 'child', agent: 'Agent B', exec_act: 'process_reviewed_spec', pred: ['review'], aud: ['Agent A'] },
  ],
  faultTask: 'child',
};

const release: Scenario = {
  name: 'Software release workflow',
  description:
    'The draft’s SDLC use case (regulated medtech software, audit trail per FDA 21 CFR Part 11): five agents, one ' +
    'task each, in a chain. Requirements review → implement module → execute the test suite → build the release ' +
    'artifact → a human release manager approves the release (pol release_approval_policy_v1, approved). The ' +
    'draft writes the task ids as task-001…; the tokens carry UUIDs as jti, as production requires.',
  level: 'L2',
  wid: '7b3f9d2e-4c1a-4e8b-9f6d-2a5c8e1b7d40',
  stores: 'shared',
  partialDag: false,
  agents: [
    { name: 'Spec Reviewer', issuer: 'spiffe://example.com/agent/spec-reviewer', domain: 'example.com' },
    { name: 'Code Generator', issuer: 'spiffe://example.com/agent/code-generator', domain: 'example.com' },
    { name: 'Test Agent', issuer: 'spiffe://example.com/agent/test', domain: 'example.com' },
    { name: 'Build Agent', issuer: 'spiffe://example.com/agent/build', domain: 'example.com' },
    {
      name: 'Release Manager (human)',
      issuer: 'spiffe://example.com/human/release-manager',
      domain: 'example.com',
    },
  ],
  tasks: [
    {
      id: 'task-001',
      agent: 'Spec Reviewer',
      exec_act: 'review_requirements_spec',
      pred: [],
      aud: ['Code Generator'],
    },
    {
      id: 'task-002',
      agent: 'Code Generator',
      exec_act: 'implement_module',
      pred: ['task-001'],
      aud: ['Test Agent'],
    },
    {
      id: 'task-003',
      agent: 'Test Agent',
      exec_act: 'execute_test_suite',
      pred: ['task-002'],
      aud: ['Build Agent'],
    },
    {
      id: 'task-004',
      agent: 'Build Agent',
      exec_act: 'build_release_artifact',
      pred: ['task-003'],
      aud: ['Release Manager (human)'],
    },
    {
      id: 'task-005',
      agent: 'Release Manager (human)',
      exec_act: 'approve_release',
      pred: ['task-004'],
      aud: ['Build Agent'],
      pol: 'release_approval_policy_v1',
      pol_decision: 'approved',
    },
  ],
  faultTask: 'task-002',
};

const crossOrg: Scenario = {
  name: 'Cross-organisation lab order',
  description:
    'Two trust domains, each with its own store: a hospital (hospital.example) collects a specimen and orders a ' +
    'lab test from an outside laboratory (lab.example), which verifies the order with the hospital’s published ' +
    'key, then accessions the specimen and runs the assay. The lab’s store starts without the hospital’s ' +
    'tasks, so when the order arrives its parent (collect_specimen) is not there: parent_not_found. The draft ' +
    'calls this partial DAG verification: the lab checks the token itself, records the missing parent as ' +
    'unresolved and never reports that lineage as fully verified. That finding is what this scenario shows.',
  level: 'L2',
  wid: 'c5e2a8f1-3b7d-4d9e-8a6c-1f4b9e2d7a35',
  stores: 'per-domain',
  partialDag: true,
  agents: [
    { name: 'Hospital ward', issuer: 'spiffe://hospital.example/agent/ward', domain: 'hospital.example' },
    { name: 'Hospital orders', issuer: 'spiffe://hospital.example/agent/orders', domain: 'hospital.example' },
    { name: 'Lab intake', issuer: 'spiffe://lab.example/agent/intake', domain: 'lab.example' },
    { name: 'Lab analyzer', issuer: 'spiffe://lab.example/agent/analyzer', domain: 'lab.example' },
  ],
  tasks: [
    {
      id: 'collect',
      agent: 'Hospital ward',
      exec_act: 'collect_specimen',
      pred: [],
      aud: ['Hospital orders'],
    },
    {
      id: 'order',
      agent: 'Hospital orders',
      exec_act: 'order_lab_test',
      pred: ['collect'],
      aud: ['Lab intake'],
    },
    {
      id: 'accession',
      agent: 'Lab intake',
      exec_act: 'accession_specimen',
      pred: ['order'],
      aud: ['Lab analyzer'],
    },
    { id: 'assay', agent: 'Lab analyzer', exec_act: 'run_assay', pred: ['accession'], aud: ['Lab intake'] },
  ],
  faultTask: 'accession',
};

const pipeline: Scenario = {
  name: 'Multi-vendor document pipeline',
  description:
    'The draft’s L2 use case: agents of different SaaS vendors, each signing with its own key under its own ' +
    'domain. Vendor X extracts the text, vendor Y classifies the document, then the work fans out to vendor Z, ' +
    'which redacts personal data and writes a summary in parallel, and fans in again: the customer’s publisher ' +
    'names both as predecessors.',
  level: 'L2',
  wid: '3d8c1e6a-9f2b-4a7e-b5d1-6e0a4c8f2b19',
  stores: 'shared',
  partialDag: false,
  agents: [
    { name: 'OCR (vendor X)', issuer: 'spiffe://vendor-x.example/agent/ocr', domain: 'vendor-x.example' },
    {
      name: 'Classifier (vendor Y)',
      issuer: 'spiffe://vendor-y.example/agent/classifier',
      domain: 'vendor-y.example',
    },
    {
      name: 'Redactor (vendor Z)',
      issuer: 'spiffe://vendor-z.example/agent/redactor',
      domain: 'vendor-z.example',
    },
    {
      name: 'Summarizer (vendor Z)',
      issuer: 'spiffe://vendor-z.example/agent/summarizer',
      domain: 'vendor-z.example',
    },
    { name: 'Publisher', issuer: 'spiffe://customer.example/agent/publisher', domain: 'customer.example' },
    {
      name: 'Records archive',
      issuer: 'spiffe://customer.example/agent/archive',
      domain: 'customer.example',
    },
  ],
  tasks: [
    {
      id: 'extract',
      agent: 'OCR (vendor X)',
      exec_act: 'extract_text',
      pred: [],
      aud: ['Classifier (vendor Y)'],
    },
    {
      id: 'classify',
      agent: 'Classifier (vendor Y)',
      exec_act: 'classify_document',
      pred: ['extract'],
      aud: ['Redactor (vendor Z)', 'Summarizer (vendor Z)'],
    },
    {
      id: 'redact',
      agent: 'Redactor (vendor Z)',
      exec_act: 'redact_pii',
      pred: ['classify'],
      aud: ['Publisher'],
    },
    {
      id: 'summarize',
      agent: 'Summarizer (vendor Z)',
      exec_act: 'summarize',
      pred: ['classify'],
      aud: ['Publisher'],
    },
    {
      id: 'publish',
      agent: 'Publisher',
      exec_act: 'publish_document',
      pred: ['redact', 'summarize'],
      aud: ['Records archive'],
    },
  ],
  faultTask: 'publish',
};

const clinical: Scenario = {
  name: 'Clinical decision workflow (L3)',
  description:
    'A regulated setting at L3: the hospital’s audit ledger has its own key and returns a signed receipt for every ' +
    'append, so each decision can be proven years later. The patient record is ingested, a model recommends a ' +
    'treatment (with the draft’s example input and output hashes), a safety check and a compliance check ' +
    '(pol clinical_data_access_policy_v1) follow, and the attending physician approves. The workflow id is the ' +
    'draft’s example.',
  level: 'L3',
  wid: 'a0b1c2d3-e4f5-6789-abcd-ef0123456789',
  stores: 'shared',
  partialDag: false,
  agents: [
    { name: 'EHR agent', issuer: 'spiffe://hospital.example/agent/ehr', domain: 'hospital.example' },
    {
      name: 'Treatment model',
      issuer: 'spiffe://hospital.example/agent/recommender',
      domain: 'hospital.example',
    },
    { name: 'Safety checker', issuer: 'spiffe://hospital.example/agent/safety', domain: 'hospital.example' },
    {
      name: 'Compliance agent',
      issuer: 'spiffe://hospital.example/agent/compliance',
      domain: 'hospital.example',
    },
    {
      name: 'Attending physician (human)',
      issuer: 'spiffe://hospital.example/human/attending',
      domain: 'hospital.example',
    },
  ],
  tasks: [
    {
      id: 'ingest',
      agent: 'EHR agent',
      exec_act: 'ingest_patient_record',
      pred: [],
      aud: ['Treatment model'],
    },
    {
      id: 'recommend',
      agent: 'Treatment model',
      exec_act: 'recommend_treatment',
      pred: ['ingest'],
      aud: ['Safety checker'],
      inp_hash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
      out_hash: 'LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564',
    },
    {
      id: 'safety',
      agent: 'Safety checker',
      exec_act: 'validate_safety',
      pred: ['recommend'],
      aud: ['Compliance agent'],
    },
    {
      id: 'compliance',
      agent: 'Compliance agent',
      exec_act: 'verify_compliance',
      pred: ['safety'],
      aud: ['Attending physician (human)'],
      pol: 'clinical_data_access_policy_v1',
      pol_decision: 'approved',
    },
    {
      id: 'approve',
      agent: 'Attending physician (human)',
      exec_act: 'approve_treatment',
      pred: ['compliance'],
      aud: ['EHR agent'],
      pol: 'treatment_approval_policy_v1',
      pol_decision: 'approved',
    },
  ],
  faultTask: 'recommend',
};

export const BUILTIN_SCENARIOS: readonly BuiltinScenario[] = [
  { id: 'refimpl-demo', scenario: demo },
  { id: 'software-release', scenario: release },
  { id: 'cross-org', scenario: crossOrg },
  { id: 'document-pipeline', scenario: pipeline },
  { id: 'clinical-l3', scenario: clinical },
];

/** A deep copy of a built-in scenario, safe to edit. */
export function builtinScenario(id: string): Scenario | undefined {
  const found = BUILTIN_SCENARIOS.find((b) => b.id === id);
  return found ? (structuredClone(found.scenario) as Scenario) : undefined;
}
