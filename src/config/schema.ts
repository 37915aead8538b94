/**
 * The one schema of the sidecar's YAML config. Unknown keys are errors (`strictObject`), so a typo is
 * reported instead of silently ignored. Later issues add tenants, models, guards... to this same schema.
 */
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const byteSize = z.number().int().positive();

export const tlsSchema = z.strictObject({
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
  /** CA bundle that client certificates must chain to; required when requireClientCert is true. */
  clientCaFile: z.string().min(1).optional(),
  requireClientCert: z.boolean().default(false),
});

export const serverSchema = z
  .strictObject({
    /** gRPC over TCP, for Envoy in another container of the pod or a mesh without shared volumes. */
    tcp: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port }).optional(),
    /** gRPC over a Unix socket on a volume shared with Envoy: no TCP stack, no port to expose. */
    unixSocket: z.string().min(1).optional(),
    tls: tlsSchema.optional(),
    /**
     * Largest ext_proc message accepted. Must exceed Envoy's buffer limit for bodies (the shipped
     * config buffers 32 MiB) plus headers and gRPC framing, or large buffered bodies fail the stream.
     */
    maxMessageBytes: byteSize.default(32 * 1024 * 1024 + 1024 * 1024),
    /** On SIGTERM, how long open streams may run before the process exits anyway. */
    drainTimeoutSeconds: z.number().positive().max(3600).default(30),
  })
  .superRefine((server, ctx) => {
    if (!server.tcp && !server.unixSocket) {
      ctx.addIssue({ code: 'custom', message: 'set server.tcp, server.unixSocket or both', path: [] });
    }
    if (server.tls?.requireClientCert && !server.tls.clientCaFile) {
      ctx.addIssue({ code: 'custom', message: 'requireClientCert needs clientCaFile', path: ['tls', 'clientCaFile'] });
    }
    if (server.tls && !server.tcp) {
      ctx.addIssue({ code: 'custom', message: 'tls applies to the TCP listener; set server.tcp', path: ['tls'] });
    }
  });

export const adminSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(9102),
});

export const loggingSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const configSchema = z.strictObject({
  server: serverSchema,
  admin: adminSchema.default({ host: '127.0.0.1', port: 9102 }),
  logging: loggingSchema.default({ level: 'info' }),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ConfigDocument = z.output<typeof configSchema>;
