/**
 * The supervisor's tiers: each instance by name, and the instances of each configured tier (its group: one
 * instance, or its replicas), in dependency order. `dependsOn` names a group; an instance name (`api.2`) or a group
 * name (`api`) both address commands.
 */
import { ControlError } from './control-error.js';
import { groupOf } from './replicas.js';
import type { TierProcess } from './tier-process.js';
import { unknownTiers } from '../logs/selection.js';

export class TierSet {
  private readonly groups = new Map<string, TierProcess[]>();
  /**
   * Every instance in order, made again only after add, remove or regroup (never changed in place: a loop over an
   * earlier one is not disturbed). A boot's every state event runs a start pass over all of them and looks one up by
   * name; spreading the groups' iterator and flattening for each cost a 64-tier boot ~4 ms of interpreted code and
   * ~1 MB of garbage (docs/decisions.md, "CPU until ready and an idle stack's memory").
   */
  private ordered: readonly TierProcess[] | undefined;

  /** `order`: the configured tiers' names in dependency order. */
  constructor(order: readonly string[]) {
    for (const name of order) this.groups.set(name, []);
  }

  add(tier: TierProcess): void {
    const members = this.groups.get(groupOf(tier.config));
    if (!members) throw new Error(`no configured tier ${groupOf(tier.config)}`);
    members.push(tier);
    members.sort((a, b) => (a.config.replica ?? 0) - (b.config.replica ?? 0));
    this.ordered = undefined;
  }

  /**
   * `land apply`: the configured tiers are now `order` (dependency order): a new name gets an empty group, a group no
   * longer named goes (its instances were removed first).
   */
  regroup(order: readonly string[]): void {
    const before = new Map(this.groups);
    this.groups.clear();
    for (const name of order) this.groups.set(name, before.get(name) ?? []);
    this.ordered = undefined;
  }

  remove(tier: TierProcess): void {
    const members = this.groups.get(groupOf(tier.config));
    const index = members?.indexOf(tier) ?? -1;
    // splice(-1) would remove the last replica instead.
    if (index >= 0) members!.splice(index, 1);
    this.ordered = undefined;
  }

  /** Every instance, group by group in dependency order, replicas by number: a copy, the caller's to change. */
  all(): TierProcess[] {
    return this.inOrder().slice();
  }

  /** The same, not copied: for loops that only read (a start pass per state event). */
  inOrder(): readonly TierProcess[] {
    this.ordered ??= [...this.groups.values()].flat();
    return this.ordered;
  }

  get(name: string): TierProcess | undefined {
    const tiers = this.inOrder();
    for (let i = 0; i < tiers.length; i++) if (tiers[i]!.name === name) return tiers[i];
    return undefined;
  }

  /** The instances of a configured tier (empty for an unknown name). */
  members(group: string): TierProcess[] {
    return this.groups.get(group) ?? [];
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  /** One instance by its name (a replica: `api.2`); a group's name is refused, naming its replicas. */
  instance(name: string): TierProcess {
    const tier = this.get(name);
    if (tier) return tier;
    const replicas = this.members(name).map((member) => member.name);
    if (replicas.length > 0) throw new ControlError('unknown-tier', `${name} runs replicas: name one of ${replicas.join(', ')}`);
    return this.resolve(name)[0]!;
  }

  /** What a command names: one instance, or every replica of a group. Unknown: a ControlError naming the known. */
  resolve(name: string): TierProcess[] {
    const one = this.get(name);
    if (one) return [one];
    const members = this.members(name);
    if (members.length > 0) return members;
    throw new ControlError('unknown-tier', unknownTiers([name], this.all().map((tier) => tier.name)));
  }

  /** Instances of the tiers that depend on `group`, directly or not, in dependency order. */
  dependentsOf(group: string): TierProcess[] {
    const names = new Set([group]);
    const found: TierProcess[] = [];
    for (const [name, members] of this.groups) {
      const config = members[0]?.config;
      if (!config || !Object.keys(config.dependsOn).some((dep) => names.has(dep))) continue;
      names.add(name);
      found.push(...members);
    }
    return found;
  }
}
