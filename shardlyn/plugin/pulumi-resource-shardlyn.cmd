@echo off
rem The Shardlyn provider plugin on Windows: see pulumi-resource-shardlyn beside this file.
set "main=%~dp0..\dist\shardlyn\provider\plugin.js"
if not exist "%main%" for /f "delims=" %%m in ('node -p "require.resolve(\"pulumi-shardlyn/plugin\", { paths: [process.cwd()] })"') do set "main=%%m"
node "%main%" %*
