/**
 * Converts a Paddle inference model directory to ONNX without Python: detects the program format
 * (Paddle 3 `inference.json` or Paddle 2 `inference.pdmodel`), binds `inference.pdiparams`,
 * lowers the network to ONNX and reads preprocessing and labels from `inference.yml` if present.
 */

import {access, readFile} from 'node:fs/promises';
import {basename, join} from 'node:path';
import {encodeModel} from '../../onnx/encode.js';
import {META_LABELS, META_PREPROCESS} from '../describe.js';
import type {PreprocessSpec} from '../manifest.js';
import {programDescToNet} from './desc-to-net.js';
import {parseInferenceYml, preprocessSize, type InferenceConfig} from './inference-yml.js';
import {PaddleConvertError, type NetProgram} from './net.js';
import {readParameters} from './pdiparams.js';
import {parsePirProgram} from './pir-program.js';
import {pirToNet} from './pir-to-net.js';
import {parseProgramDesc} from './program-desc.js';
import {INPUT_NAME, netToOnnx, OUTPUT_NAME} from './to-onnx.js';

export interface ConvertedModel {
  onnx: Uint8Array;
  inputName: string;
  outputName: string;
  /** network input [height, width] */
  inputSize: [number, number];
  classCount: number;
  preprocess: PreprocessSpec | null;
  labels: string[] | null;
  format: 'paddle3' | 'paddle2';
  outputIsProbability: boolean;
}

export type PaddleFormat = ConvertedModel['format'];

/** The files of one inference model, already read. */
export interface PaddleFiles {
  format: PaddleFormat;
  /** inference.json (paddle3) or inference.pdmodel (paddle2) */
  program: Uint8Array;
  params: Uint8Array;
  /** inference.yml text, null when absent */
  yml: string | null;
  name: string;
}

export const PROGRAM_FILES: Record<PaddleFormat, string> = {paddle3: 'inference.json', paddle2: 'inference.pdmodel'};
export const PARAMS_FILE = 'inference.pdiparams';
export const CONFIG_FILE = 'inference.yml';
const DEFAULT_INPUT_SIZE: [number, number] = [224, 224];
/** ONNX metadata key naming the Paddle format a model was converted from */
export const META_CONVERTED_FROM = 'lcnet.converted_from';

export async function convertPaddleDir(dir: string, options: ConvertOptions = {}): Promise<ConvertedModel> {
  const exists = (file: string) => access(join(dir, file)).then(() => true, () => false);
  let format: PaddleFormat;
  if (await exists(PROGRAM_FILES.paddle3)) format = 'paddle3';
  else if (await exists(PROGRAM_FILES.paddle2)) format = 'paddle2';
  else throw new PaddleConvertError(`${dir} holds neither ${PROGRAM_FILES.paddle3} nor ${PROGRAM_FILES.paddle2}`);
  if (!(await exists(PARAMS_FILE))) throw new PaddleConvertError(`${dir} has a ${PROGRAM_FILES[format]} but no ${PARAMS_FILE}`);
  return convertPaddleModel({
    format,
    program: await readFile(join(dir, PROGRAM_FILES[format])),
    params: await readFile(join(dir, PARAMS_FILE)),
    yml: (await exists(CONFIG_FILE)) ? await readFile(join(dir, CONFIG_FILE), 'utf8') : null,
    name: basename(dir),
  }, options);
}

export interface ConvertOptions {
  /**
   * [height, width] of the ONNX input in place of the program's declared one, for fully
   * convolutional programs exported with a nominal size (PaddleOCR's classifier declares 32x100
   * and is fed 48x192)
   */
  inputSize?: [number, number];
}

export function convertPaddleModel(files: PaddleFiles, options: ConvertOptions = {}): ConvertedModel {
  const parsed: NetProgram =
    files.format === 'paddle3' ? pirToNet(parsePirProgram(new TextDecoder().decode(files.program))) : programDescToNet(parseProgramDesc(files.program));
  const program: NetProgram = options.inputSize ? {...parsed, inputShape: [-1, 3, ...options.inputSize]} : parsed;
  const weights = readParameters(files.params, program.parameters);
  const config: InferenceConfig = files.yml === null ? {preprocess: null, labels: null} : parseInferenceYml(files.yml);
  // a size given for the program also stands over inference.yml's, which the user is replacing
  const inputSize = options.inputSize ?? chooseInputSize(program.inputShape, config.preprocess);
  const classCount = chooseClassCount(program.shapes.get(program.output) ?? [], config.labels);
  const {graph, outputIsProbability} = netToOnnx(program, weights, {name: files.name, inputSize, classCount});
  const onnx = encodeModel(graph, {
    producer: 'lcnet',
    producerVersion: '0',
    docString: `${files.name}, converted from a Paddle ${files.format === 'paddle3' ? '3 PIR' : '2 ProgramDesc'} inference model`,
    // what inference.yml said travels with the graph: the .onnx file alone describes the model
    metadata: {
      [META_CONVERTED_FROM]: files.format,
      ...(config.preprocess ? {[META_PREPROCESS]: JSON.stringify(config.preprocess)} : {}),
      ...(config.labels ? {[META_LABELS]: JSON.stringify(config.labels)} : {}),
    },
  });
  return {
    onnx,
    inputName: INPUT_NAME,
    outputName: OUTPUT_NAME,
    inputSize,
    classCount,
    preprocess: config.preprocess,
    labels: config.labels,
    format: files.format,
    outputIsProbability,
  };
}

/** [height, width]: the program's fixed input size, else the preprocessing output, else 224x224. */
function chooseInputSize(inputShape: number[], preprocess: PreprocessSpec | null): [number, number] {
  const declared: [number, number] | null = (inputShape[2] ?? -1) > 0 && (inputShape[3] ?? -1) > 0 ? [inputShape[2]!, inputShape[3]!] : null;
  const prepared = preprocess ? preprocessSize(preprocess) : null;
  if (declared && prepared && (declared[0] !== prepared[0] || declared[1] !== prepared[1])) {
    throw new PaddleConvertError(`inference.yml produces ${prepared[1]}x${prepared[0]} images but the network input is ${declared[1]}x${declared[0]}`);
  }
  return declared ?? prepared ?? DEFAULT_INPUT_SIZE;
}

function chooseClassCount(outputShape: number[], labels: string[] | null): number {
  const declared = outputShape.length === 2 && outputShape[1]! > 0 ? outputShape[1]! : null;
  if (declared !== null && labels !== null && labels.length !== declared) {
    throw new PaddleConvertError(`inference.yml lists ${labels.length} labels but the network has ${declared} outputs`);
  }
  const count = declared ?? labels?.length;
  if (count === undefined) throw new PaddleConvertError('cannot tell the number of classes: the output shape is dynamic and there is no label list');
  return count;
}
