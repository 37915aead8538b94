/** The registry of every detector and guard the gateway ships; config names them by id. */
import { injectionPlugin } from './injection/plugin';
import { registerOutputGuards } from './output';
import { remoteInjectionPlugin } from './injection/remote';
import { registerPiiPlugins } from './pii/plugin';
import { GuardRegistry } from './registry';

let registry: GuardRegistry | undefined;

export function builtinGuards(): GuardRegistry {
  registry ??= registerOutputGuards(registerPiiPlugins(new GuardRegistry().register(injectionPlugin).register(remoteInjectionPlugin)));
  return registry;
}
