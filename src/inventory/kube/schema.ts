// Lenient zod schemas for what kubectl prints: only the fields the inventory reads, each optional where real clusters omit it.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';

export const OwnerReference = lazySchema(() =>
  z.object({
    kind: z.string(),
    name: z.string(),
    apiVersion: z.string().nullish(),
    controller: z.boolean().nullish(),
  }),
);
export type OwnerReference = z.infer<typeof OwnerReference>;

export const ObjectMeta = lazySchema(() =>
  z.object({
    name: z.string(),
    namespace: z.string().nullish(),
    labels: z.record(z.string(), z.string()).nullish(),
    ownerReferences: z.array(OwnerReference).nullish(),
  }),
);
export type ObjectMeta = z.infer<typeof ObjectMeta>;

export const Container = lazySchema(() =>
  z.object({
    name: z.string(),
    image: z.string().nullish(),
  }),
);
export type Container = z.infer<typeof Container>;

export const ContainerStatus = lazySchema(() =>
  z.object({
    name: z.string(),
    image: z.string().nullish(),
    imageID: z.string().nullish(),
    containerID: z.string().nullish(),
  }),
);
export type ContainerStatus = z.infer<typeof ContainerStatus>;

const containers = lazySchema(() =>
  z.array(Container).nullish(),
);
const statuses = lazySchema(() =>
  z.array(ContainerStatus).nullish(),
);

/** Pods as the API lists them (items carry no kind) and as tools save them (some drop kind/apiVersion too). */
export const Pod = lazySchema(() =>
  z.object({
    kind: z.literal('Pod').nullish(),
    metadata: ObjectMeta,
    spec: z.object({ containers, initContainers: containers, ephemeralContainers: containers, nodeName: z.string().nullish() }),
    status: z
      .object({
        phase: z.string().nullish(),
        containerStatuses: statuses,
        initContainerStatuses: statuses,
        ephemeralContainerStatuses: statuses,
      })
      .nullish(),
  }),
);
export type Pod = z.infer<typeof Pod>;

/** Any List (PodList, ReplicaSetList, the `List` kubectl prints after paging): items are checked one by one. */
export const ListEnvelope = lazySchema(() =>
  z.object({
    kind: z.string().nullish(),
    items: z.array(z.unknown()),
  }),
);
export type ListEnvelope = z.infer<typeof ListEnvelope>;

/** ReplicaSets, Jobs, Namespaces: the inventory needs only their metadata. */
export const MetaOnly = lazySchema(() =>
  z.object({ metadata: ObjectMeta }),
);
export type MetaOnly = z.infer<typeof MetaOnly>;
