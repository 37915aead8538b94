/** The one block every output guard raises; the message never says which rule fired (that would teach a way around it). */
import type { GuardBlock } from '../registry';

export const OUTPUT_BLOCK: GuardBlock = { code: 'output_blocked', message: "The response was stopped by the gateway's content policy." };
