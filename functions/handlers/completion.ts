import type { SQSHandler } from 'aws-lambda';
import { createClients } from '../adapters/clients.js';
import { readResourceNames } from '../adapters/config.js';
import { buildDeps } from '../service/deps.js';
import { processCompletions } from '../service/completion/processCompletions.js';
import { defaultSettings } from '../settings.js';

const deps = buildDeps(createClients(process.env), readResourceNames(process.env), defaultSettings);

export const handler: SQSHandler = async (event) => processCompletions(deps, event);
