import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../cli/codex-command.js';
import {type ExportResult, ModelExportService} from '../services/export/model-export-service.js';

export default class Export extends CodexCommand<typeof Export> {
  static override summary = 'Export a trained model as a Hugging Face GPT-2 directory or an ONNX graph';
  static override description =
    'hf: model.safetensors under GPT-2 tensor names, config.json, generation_config.json and the tokenizer ' +
    '(tokenizer.json, tokenizer_config.json, special_tokens_map.json), loadable with transformers ' +
    'GPT2LMHeadModel.from_pretrained and AutoTokenizer.from_pretrained. onnx: model.onnx (opset 17, input_ids ' +
    '[batch, sequence] → logits), runnable with onnxruntime. Only finished runs whose newest checkpoint verifies ' +
    'are exported; the directory appears whole or not at all.';
  static override examples = [
    '<%= config.bin %> export 01J0ABCDEFGHJKMNPQRSTVWXYZ --format hf --out model-hf',
    '<%= config.bin %> export latest --format onnx --out model-onnx --json',
  ];
  // The trained run's checkpoint and tokenizer are verified, and the exported files checksummed, with the hasher.
  static override contracts = ['hasher'] as const;
  static override args = {
    model: Args.string({description: 'Finished training run: id, directory, checkpoint directory, or latest', required: true}),
  };
  static override flags = {
    format: Flags.string({description: 'hf or onnx', required: true}),
    out: Flags.string({description: 'Directory to create', required: true}),
    force: Flags.boolean({description: 'Replace --out when it exists and is not empty'}),
    'run-dir': Flags.string({description: 'Runs directory where run ids are looked up (runs.dir)'}),
  };

  async run(): Promise<ExportResult> {
    const config = await this.configure(this.flags['run-dir'] ? [`runs.dir=${this.flags['run-dir']}`] : []);
    const result = await (await this.kernel(config)).resolve(ModelExportService).export({
      model: this.args.model,
      runsDir: config.get<string>('runs.dir'),
      format: this.flags.format,
      out: this.flags.out,
      force: this.flags.force,
    });
    if (!this.jsonEnabled()) {
      this.log(`exported run ${result.runId} (step ${result.step}) as ${result.format} to ${result.out}`);
      for (const file of result.files) this.log(`  ${file.name.padEnd(24)} ${String(file.bytes).padStart(10)} bytes`);
    }
    return result;
  }
}
