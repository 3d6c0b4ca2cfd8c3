// Validates rendered Kubernetes manifests (stdin: `kubectl kustomize <overlay>`) against the
// API schemas shipped by kubernetes-models — an offline equivalent of kubeconform — and the
// suite's own rules: probes on /livez and /readyz, resource requests, a metrics port, no
// duplicate environment variables.
import { parseAllDocuments } from 'yaml';

const input = await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
});

const modules = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
};

const problems = [];
const kinds = {};
for (const document of parseAllDocuments(input)) {
  if (document.errors.length) {
    problems.push(`YAML: ${document.errors.map((e) => e.message).join('; ')}`);
    continue;
  }
  const resource = document.toJS();
  if (!resource) continue;
  const name = `${resource.kind}/${resource.metadata?.name}`;
  kinds[resource.kind] = (kinds[resource.kind] ?? 0) + 1;
  const module = modules[resource.apiVersion];
  const Model = module && (await import(module))[resource.kind];
  if (!Model) {
    problems.push(`${name}: no schema for ${resource.apiVersion} ${resource.kind}`);
    continue;
  }
  try {
    new Model(resource).validate();
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
  }
  if (resource.kind === 'Deployment') {
    for (const container of resource.spec.template.spec.containers) {
      const where = `${name} container ${container.name}`;
      if (container.livenessProbe?.httpGet?.path !== '/livez') problems.push(`${where}: liveness probe is not /livez`);
      if (container.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${where}: readiness probe is not /readyz`);
      if (!container.resources?.requests?.cpu || !container.resources?.requests?.memory) problems.push(`${where}: no resource requests`);
      if (!container.ports?.some((port) => port.name === 'metrics')) problems.push(`${where}: no metrics port`);
      const names = (container.env ?? []).map((variable) => variable.name);
      const duplicates = names.filter((variable, index) => names.indexOf(variable) !== index);
      if (duplicates.length) problems.push(`${where}: environment variables set twice: ${duplicates.join(', ')}`);
    }
  }
}
const summary = Object.entries(kinds).map(([kind, count]) => `${count} ${kind}`).join(', ');
if (problems.length) {
  console.error(`invalid (${summary}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`valid: ${summary}`);
