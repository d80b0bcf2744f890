module.exports = { preset: '@switchyard/jest-preset' };
