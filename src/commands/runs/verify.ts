import {Args, Flags} from '@oclif/core';
import {ExitCode} from '@codex-ml/core';
import {resolveRunReference} from '../../services/runs/run-reference.js';
import {CodexCommand} from '../../cli/codex-command.js';
import {formatBytes, formatCount} from '../../cli/format.js';
import {ProgressBar} from '../../cli/progress-bar.js';
import {RunVerifier, type VerifyReport} from '../../services/runs/run-verifier.js';

export default class RunsVerify extends CodexCommand<typeof RunsVerify> {
  static override summary = 'Re-check every artifact checksum of a run and of all its ancestors';
  static override description =
    'Each checksum is verified with the algorithm that wrote it: "blake3:…" with the blake3 hasher backend, ' +
    '"sha256:…" with sha256, and so on. Every manifest’s seal is checked too (the store’s copy and the run ' +
    'directory’s). Exits 5 when any artifact is missing or modified, or a manifest is gone, unsealed or edited.';
  static override examples = [
    '<%= config.bin %> runs:verify 01J0ABCDEFGHJKMNPQRSTVWXYZ',
    '<%= config.bin %> runs:verify 01J0ABCDEFGHJKMNPQRSTVWXYZ --json',
  ];
  static override contracts = ['manifest-store'] as const;
  static override args = {id: Args.string({description: 'Run: a run id, a unique prefix of one, or latest', required: true})};
  static override flags = {threads: Flags.integer({description: 'Hashing threads (default: all cores)', min: 1})};

  async run(): Promise<VerifyReport> {
    const kernel = await this.kernel();
    const progress = new ProgressBar('verifying', this.interactive, 'bytes');
    const report = await kernel
      .resolve(RunVerifier)
      .verify(await resolveRunReference(this.args.id, kernel.config.get<string>('runs.dir')), {
        runsDir: kernel.config.get<string>('runs.dir'),
        threads: this.flags.threads,
        onProgress: (done, total) => progress.update(done, total),
      })
      .finally(() => progress.stop());
    if (!this.jsonEnabled()) {
      for (const run of report.runs) {
        if (!run.manifestFound) {
          this.log(`${run.runId}  MANIFEST MISSING (named as a parent)`);
          continue;
        }
        this.log(`${run.runId}  ${run.kind}  ${run.artifacts.length} artifacts`);
        if (run.seal !== undefined && run.seal !== 'ok') this.log(`  SEAL ${run.seal.toUpperCase()}  (${run.sealProblem})`);
        for (const artifact of run.artifacts) {
          const status = artifact.status === 'ok' ? 'ok      ' : artifact.status.toUpperCase().padEnd(8);
          this.log(`  ${status}  ${artifact.path}${artifact.found ? `  (${artifact.found})` : ''}`);
        }
      }
      this.log(
        `${report.ok ? 'verified' : 'FAILED'}: ${formatCount(report.artifacts)} artifacts, ${formatBytes(report.bytes)}, ${formatCount(report.runs.length)} runs`,
      );
    }
    if (!report.ok) {
      // The report is the result (also under --json); the exit code and one line on stderr say it failed.
      const first = report.runs.flatMap((run) =>
        run.manifestFound
          ? [
              ...(run.seal !== undefined && run.seal !== 'ok'
                ? [`the manifest of run ${run.runId} is ${run.seal}: ${run.sealProblem}`]
                : []),
              ...run.artifacts.filter((a) => a.status !== 'ok').map((a) => `${run.runId}/${a.path} is ${a.status}`),
            ]
          : [`run ${run.runId} has no manifest`],
      )[0];
      process.stderr.write(`Error: run ${report.runId} failed verification: ${report.failures} problem(s), first: ${first}\n`);
      process.exitCode = ExitCode.integrity;
    }
    return report;
  }
}
