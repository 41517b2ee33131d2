package dev.veil.workflows.plan;

import java.util.List;

/**
 * The DDL that rebuilds one table in the staging schema, generated from the source catalog by the
 * planner with every identifier quoted.
 *
 * @param create {@code CREATE TABLE} (columns, types, NOT NULL, defaults) and owned sequences,
 *     run before the load
 * @param afterLoad primary key, unique, exclusion and check constraints and indexes, built after
 *     the load (much faster than maintaining them row by row)
 * @param foreignKeys foreign keys, added once every table has its keys
 * @param sequences sequences to advance so that new rows do not collide with copied ones
 */
public record TableDdl(
    List<String> create,
    List<NamedDdl> afterLoad,
    List<NamedDdl> foreignKeys,
    List<SequenceSync> sequences) {}
