/**
 * The experiment config as records with {@code validate()}, and the one funnel every key goes through: file -> tree
 * -> {@code --set} overrides -> bind -> validate, with one precise message per problem; also the JSON schema. It
 * imports no other gan package: everything else reads configs, config reads nothing.
 */
package dev.gan.config;
