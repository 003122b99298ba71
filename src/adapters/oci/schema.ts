// Schemas for everything registries, token services, credential helpers and docker's config hand us.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';

export const CatalogPage = lazySchema(() =>
  z.object({ repositories: z.array(z.string()).nullable().default([]) }),
);
export type CatalogPage = z.infer<typeof CatalogPage>;

export const TagsPage = lazySchema(() =>
  z.object({ name: z.string().optional(), tags: z.array(z.string()).nullable().default([]) }),
);
export type TagsPage = z.infer<typeof TagsPage>;

/** One entry of a referrers index (OCI 1.1 referrers API, or the `sha256-<hex>` referrers tag). */
export const ReferrerDescriptor = lazySchema(() =>
  z.looseObject({
    mediaType: z.string(),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256 digest'),
    size: z.number().int().nonnegative(),
    artifactType: z.string().optional(),
    annotations: z.record(z.string(), z.string()).nullish(),
  }),
);
export type ReferrerDescriptor = z.infer<typeof ReferrerDescriptor>;

export const ReferrersIndex = lazySchema(() =>
  z.looseObject({ manifests: z.array(ReferrerDescriptor).nullish() }),
);
export type ReferrersIndex = z.infer<typeof ReferrersIndex>;

export const ErrorBody = lazySchema(() =>
  z.object({
    errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })).default([]),
  }),
);
export type ErrorBody = z.infer<typeof ErrorBody>;

export const TokenResponse = lazySchema(() =>
  z
    .object({
      token: z.string().min(1).optional(),
      access_token: z.string().min(1).optional(),
      expires_in: z.number().int().positive().optional(),
      issued_at: z.string().optional(),
    })
    .refine((t) => t.token !== undefined || t.access_token !== undefined, { message: 'neither token nor access_token' }),
);
export type TokenResponse = z.infer<typeof TokenResponse>;

/** `{"mediaType": ...}` sniffed from a manifest when Content-Type is missing or generic. */
export const ManifestHead = lazySchema(() =>
  z.object({ mediaType: z.string().optional(), schemaVersion: z.number().optional() }),
);
export type ManifestHead = z.infer<typeof ManifestHead>;

const AuthEntry = lazySchema(() =>
  z.object({
    auth: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    identitytoken: z.string().optional(),
    registrytoken: z.string().optional(),
  }),
);

export const DockerConfig = lazySchema(() =>
  z.object({
    auths: z.record(z.string(), AuthEntry).optional(),
    credsStore: z.string().optional(),
    credHelpers: z.record(z.string(), z.string()).optional(),
  }),
);
export type DockerConfig = z.infer<typeof DockerConfig>;

export const HelperOutput = lazySchema(() =>
  z.object({ ServerURL: z.string().optional(), Username: z.string(), Secret: z.string() }),
);
export type HelperOutput = z.infer<typeof HelperOutput>;
